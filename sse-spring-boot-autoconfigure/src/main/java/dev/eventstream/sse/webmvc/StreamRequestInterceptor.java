package dev.eventstream.sse.webmvc;

import dev.eventstream.sse.server.SseStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Parses the parameters of a request to a stream endpoint before its arguments are
 * resolved: a container answers parameters it cannot decode (invalid UTF-8, malformed
 * percent-encoding) with an {@link IllegalStateException} from every {@code getParameter}
 * method, as the Servlet specification says, which would reach the container as an
 * unhandled exception, logged with its stack trace. Here it becomes a
 * {@code 400 Bad Request} that goes through Spring MVC's error handling.
 */
final class StreamRequestInterceptor implements HandlerInterceptor {

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		if (handler instanceof HandlerMethod method
				&& SseStream.class.isAssignableFrom(method.getMethod().getReturnType())) {
			try {
				request.getParameterMap();
			}
			catch (IllegalStateException ex) {
				ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
						"Request parameters could not be decoded");
				throw StreamRequestExceptionResolver.rejection(request,
						new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, ex));
			}
		}
		return true;
	}

}
