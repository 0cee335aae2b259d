package dev.eventstream.sse.webmvc;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/**
 * Ends the container's error dispatch of a request whose response became an event stream. When a
 * client goes away, the container records the failed write and renders an error page once the
 * stream completes; the response is committed as {@code text/event-stream}, so no error page can be
 * written, and a client that left is not an error. Registered for {@code ERROR} dispatches only.
 *
 * @since 0.1.0
 */
public final class SseErrorDispatchFilter implements Filter {

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (request.getAttribute(SseStreamReturnValueHandler.STREAMING_ATTRIBUTE) == null) {
			chain.doFilter(request, response);
		}
	}

}
