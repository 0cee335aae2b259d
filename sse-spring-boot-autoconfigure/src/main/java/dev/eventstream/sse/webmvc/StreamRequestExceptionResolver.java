package dev.eventstream.sse.webmvc;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.web.ErrorResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver;

/**
 * Answers the errors the transport raised for a stream request (a refused connection, a
 * request that does not accept {@code text/event-stream}, malformed parameters) as
 * {@link DefaultHandlerExceptionResolver} would, with the status and headers of the
 * {@link ErrorResponse}, but logs them at {@code DEBUG}: that resolver logs each one as a
 * warning, and clients that reconnect in a storm or send garbage would fill the log. It
 * runs right before that resolver, so the application's {@code @ExceptionHandler} methods
 * and Spring's problem details handler see these errors first.
 */
final class StreamRequestExceptionResolver implements HandlerExceptionResolver {

	private static final Log logger = LogFactory.getLog(StreamRequestExceptionResolver.class);

	private static final String REJECTION_ATTRIBUTE = StreamRequestExceptionResolver.class.getName() + ".REJECTION";

	/**
	 * Marks an exception as the transport's answer to a request, for this resolver.
	 * @return the exception, to throw
	 */
	static <E extends Exception & ErrorResponse> E rejection(HttpServletRequest request, E ex) {
		request.setAttribute(REJECTION_ATTRIBUTE, ex);
		return ex;
	}

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception ex) {
		if (!(ex instanceof ErrorResponse error) || request.getAttribute(REJECTION_ATTRIBUTE) != ex) {
			return null;
		}
		int status = error.getStatusCode().value();
		if (logger.isDebugEnabled()) {
			logger.debug("Stream request answered " + status + ": " + LogText.of(ex.getMessage()));
		}
		try {
			if (!response.isCommitted()) {
				error.getHeaders()
					.forEach((name, values) -> values.forEach((value) -> response.addHeader(name, value)));
				response.sendError(status);
			}
		}
		catch (IOException sendFailed) {
			if (logger.isDebugEnabled()) {
				logger.debug("Could not answer " + status + ": " + sendFailed);
			}
		}
		return new ModelAndView();
	}

}
