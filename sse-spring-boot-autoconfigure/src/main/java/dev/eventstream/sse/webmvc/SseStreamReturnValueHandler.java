package dev.eventstream.sse.webmvc;

import java.util.List;

import dev.eventstream.sse.server.ConnectionRefusedException;
import dev.eventstream.sse.server.SseStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Streams the {@link SseStream} a controller method returns: answers {@code 200} with the event-stream
 * headers, switches the request to Servlet async with non-blocking writes and hands the response to the
 * stream. No thread is held while the stream is open, and no async timeout ends it.
 *
 * <p>Statuses answered before the stream starts, each deliberate because a browser's
 * {@code EventSource} stops reconnecting for good on any status other than {@code 200}:
 * {@code 406} when the request does not accept {@code text/event-stream}; {@code 503} when the
 * server is shutting down (the client may reconnect to another instance); {@code 429 Too Many
 * Requests} when the source holds its maximum number of connections and {@code 503} when the server
 * does, both with a {@code Retry-After} header in seconds; and {@code 204 No Content}, without a body,
 * for a source that was {@linkplain dev.eventstream.sse.server.SseServer#kick kicked}, which tells an
 * {@code EventSource} to stop. All but {@code 204} go through Spring MVC's error handling, as
 * {@code application/problem+json} when the application sets
 * {@code spring.mvc.problemdetails.enabled=true}.
 *
 * @since 0.1.0
 */
public final class SseStreamReturnValueHandler implements HandlerMethodReturnValueHandler {

	/** The content type of every stream: the event-stream format is always UTF-8. */
	public static final String CONTENT_TYPE = "text/event-stream;charset=UTF-8";

	@Override
	public boolean supportsReturnType(MethodParameter returnType) {
		return SseStream.class.isAssignableFrom(returnType.getParameterType());
	}

	@Override
	public void handleReturnValue(@Nullable Object returnValue, MethodParameter returnType,
			ModelAndViewContainer mavContainer, NativeWebRequest webRequest) throws Exception {
		if (returnValue == null) {
			throw new IllegalStateException("Controller method " + returnType.getMethod() + " returned no SseStream");
		}
		SseStream<?> stream = (SseStream<?>) returnValue;
		HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
		HttpServletResponse response = webRequest.getNativeResponse(HttpServletResponse.class);
		if (request == null || response == null) {
			throw new IllegalStateException("SseStream needs a Servlet request");
		}
		requireAcceptable(request);
		mavContainer.setRequestHandled(true);
		response.setStatus(HttpServletResponse.SC_OK);
		response.setContentType(CONTENT_TYPE);
		response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache, no-transform");
		response.setHeader("X-Accel-Buffering", "no");
		ServletSseConnection connection = new ServletSseConnection(stream);
		try {
			stream.open(connection);
		}
		catch (ConnectionRefusedException ex) {
			response.reset();
			if (ex.reason() == ConnectionRefusedException.Reason.KICKED) {
				response.setStatus(HttpServletResponse.SC_NO_CONTENT);
				return;
			}
			throw refused(ex);
		}
		catch (IllegalStateException ex) {
			response.reset();
			throw new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, ex);
		}
		connection.start(request, response);
	}

	private static ErrorResponseException refused(ConnectionRefusedException ex) {
		HttpStatus status = HttpStatus.valueOf(ex.reason().status());
		String detail = (ex.reason() == ConnectionRefusedException.Reason.MAX_CONNECTIONS_PER_SOURCE)
				? "Too many connections for this source" : "Too many connections";
		ErrorResponseException error = new ErrorResponseException(status, ProblemDetail.forStatusAndDetail(status, detail),
				ex);
		error.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(ex)));
		return error;
	}

	/** Whole seconds, rounded up and at least one: {@code Retry-After} takes no fractions. */
	private static long retryAfterSeconds(ConnectionRefusedException ex) {
		long millis = ex.retryAfter().toMillis();
		return Math.max(1, (millis + 999) / 1000);
	}

	private static void requireAcceptable(HttpServletRequest request) throws HttpMediaTypeNotAcceptableException {
		String accept = request.getHeader(HttpHeaders.ACCEPT);
		if (accept == null || accept.isBlank()) {
			return;
		}
		List<MediaType> acceptable = MediaType.parseMediaTypes(accept);
		for (MediaType mediaType : acceptable) {
			if (mediaType.includes(MediaType.TEXT_EVENT_STREAM)) {
				return;
			}
		}
		throw new HttpMediaTypeNotAcceptableException(List.of(MediaType.TEXT_EVENT_STREAM));
	}

}
