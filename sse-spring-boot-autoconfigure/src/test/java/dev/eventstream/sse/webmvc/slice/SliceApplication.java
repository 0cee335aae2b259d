package dev.eventstream.sse.webmvc.slice;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application as a user writes it, for a {@code @WebMvcTest} slice of its stream
 * controller.
 */
@SpringBootApplication
class SliceApplication {

}
