package dev.eventstream.sse.webmvc;

import java.io.IOException;
import java.util.List;

import dev.eventstream.sse.server.ConnectionRefusedException;
import dev.eventstream.sse.server.ServerClosedException;
import dev.eventstream.sse.server.SseStream;
import dev.eventstream.sse.server.transport.StreamEndpoint;
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
 * <p>A stream the application connected without a {@code Last-Event-ID} takes the one the request
 * carries: its {@code Last-Event-ID} header or, for clients that cannot set headers, a query parameter.
 *
 * @since 0.1.0
 */
public final class SseStreamReturnValueHandler implements HandlerMethodReturnValueHandler {

	/** The content type of every stream: the event-stream format is always UTF-8. */
	public static final String CONTENT_TYPE = "text/event-stream;charset=UTF-8";

	private static final String LAST_EVENT_ID = "Last-Event-ID";

	private final @Nullable String lastEventIdParameter;

	/**
	 * Creates a handler.
	 * @param lastEventIdParameter name of the query parameter that stands in for the
	 * {@code Last-Event-ID} header when the request has none, or {@code null} to read the header only
	 */
	public SseStreamReturnValueHandler(@Nullable String lastEventIdParameter) {
		this.lastEventIdParameter = lastEventIdParameter;
	}

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
		ServletSseConnection connection = new ServletSseConnection(stream.sourceId());
		StreamEndpoint endpoint;
		try {
			endpoint = stream.open(connection, requestLastEventId(request));
		}
		catch (ConnectionRefusedException ex) {
			response.reset();
			if (ex.reason() == ConnectionRefusedException.Reason.KICKED) {
				response.setStatus(HttpServletResponse.SC_NO_CONTENT);
				return;
			}
			throw refused(ex);
		}
		catch (ServerClosedException ex) {
			response.reset();
			ErrorResponseException error = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, ex);
			error.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
			throw error;
		}
		try {
			connection.start(request, response, endpoint);
		}
		catch (IOException | RuntimeException ex) {
			// Registered but never streamed (a filter that does not support async, a mock response):
			// release it, or it would count against the limits for good.
			endpoint.onDisconnect();
			throw ex;
		}
	}

	private @Nullable String requestLastEventId(HttpServletRequest request) {
		String header = request.getHeader(LAST_EVENT_ID);
		if (header != null || this.lastEventIdParameter == null) {
			return header;
		}
		return request.getParameter(this.lastEventIdParameter);
	}

	private static ErrorResponseException refused(ConnectionRefusedException ex) {
		if (ex.reason() == ConnectionRefusedException.Reason.TOPIC_FORBIDDEN) {
			return new ErrorResponseException(HttpStatus.FORBIDDEN,
					ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, "Subscription to a topic is not allowed"), ex);
		}
		HttpStatus status = (ex.reason() == ConnectionRefusedException.Reason.MAX_CONNECTIONS_PER_SOURCE)
				? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.SERVICE_UNAVAILABLE;
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
