/**
 * The Spring MVC transport: streams an {@link dev.eventstream.sse.server.SseStream} over
 * Servlet async with non-blocking writes.
 */
@NullMarked
package dev.eventstream.sse.webmvc;

import org.jspecify.annotations.NullMarked;
