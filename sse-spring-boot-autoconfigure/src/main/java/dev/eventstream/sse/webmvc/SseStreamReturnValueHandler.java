package dev.eventstream.sse.webmvc;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.eventstream.sse.server.ConnectionRefusedException;
import dev.eventstream.sse.server.ServerClosedException;
import dev.eventstream.sse.server.SseStream;
import dev.eventstream.sse.server.transport.StreamEndpoint;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Streams the {@link SseStream} a controller method returns: answers {@code 200} with the
 * event-stream headers, switches the request to Servlet async with non-blocking writes
 * and hands the response to the stream. No thread is held while the stream is open, and
 * no async timeout ends it.
 *
 * <p>
 * Statuses answered before the stream starts, each deliberate because a browser's
 * {@code EventSource} stops reconnecting for good on any status other than {@code 200}:
 * {@code 406} when the request does not accept {@code text/event-stream} (a malformed
 * {@code Accept} header included, as Spring MVC's own content negotiation treats it);
 * {@code 503} when the server is shutting down (the client may reconnect to another
 * instance); {@code 429 Too
 * Many Requests} when the source holds its maximum number of connections and {@code 503}
 * when the server does, both with a {@code Retry-After} header in seconds;
 * {@code 204 No Content}, without a body, for a source that was
 * {@linkplain dev.eventstream.sse.server.SseServer#kick kicked}, which tells an
 * {@code EventSource} to stop; and {@code 500} when a filter or servlet of the request's
 * chain does not support async requests, a misconfiguration logged once per controller
 * method. All but {@code 204} go through Spring MVC's error handling, as
 * {@code application/problem+json} when the application sets
 * {@code spring.mvc.problemdetails.enabled=true}, and are logged at {@code DEBUG} only;
 * every refusal ({@code 429}, {@code 503} and {@code 204}) is reported to the
 * {@link StreamRefusalListener}s.
 *
 * <p>
 * A {@code HEAD} request, which cannot carry a stream, is answered {@code 200} with the
 * headers a {@code GET} would get (or the same {@code 406}) and no body; nothing is
 * registered, so it counts against no limit, and the connection limits and kicks are not
 * checked for it.
 *
 * <p>
 * A stream the application connected without a {@code Last-Event-ID} takes the one the
 * request carries: its {@code Last-Event-ID} header or, for clients that cannot set
 * headers, a query parameter.
 *
 * @since 0.1.0
 */
public final class SseStreamReturnValueHandler implements HandlerMethodReturnValueHandler {

	/** The content type of every stream: the event-stream format is always UTF-8. */
	public static final String CONTENT_TYPE = "text/event-stream;charset=UTF-8";

	private static final Log logger = LogFactory.getLog(SseStreamReturnValueHandler.class);

	private static final String LAST_EVENT_ID = "Last-Event-ID";

	private final @Nullable String lastEventIdParameter;

	private final List<StreamRefusalListener> refusalListeners;

	private final Set<Method> warnedNoAsync = ConcurrentHashMap.newKeySet();

	/**
	 * Creates a handler.
	 * @param lastEventIdParameter name of the query parameter that stands in for the
	 * {@code Last-Event-ID} header when the request has none, or {@code null} to read the
	 * header only
	 */
	public SseStreamReturnValueHandler(@Nullable String lastEventIdParameter) {
		this(lastEventIdParameter, List.of());
	}

	/**
	 * Creates a handler that reports refused requests.
	 * @param lastEventIdParameter name of the query parameter that stands in for the
	 * {@code Last-Event-ID} header when the request has none, or {@code null} to read the
	 * header only
	 * @param refusalListeners told of each refused request
	 * @since 0.2.0
	 */
	public SseStreamReturnValueHandler(@Nullable String lastEventIdParameter,
			List<StreamRefusalListener> refusalListeners) {
		this.lastEventIdParameter = lastEventIdParameter;
		this.refusalListeners = List.copyOf(refusalListeners);
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
		if (HttpMethod.HEAD.matches(request.getMethod())) {
			mavContainer.setRequestHandled(true);
			setStreamHeaders(response);
			// Committed now, so that no Content-Length is added for the empty body.
			response.flushBuffer();
			return;
		}
		requireAsyncSupported(request, returnType);
		mavContainer.setRequestHandled(true);
		setStreamHeaders(response);
		ServletSseConnection connection = new ServletSseConnection(stream.sourceId());
		StreamEndpoint endpoint;
		try {
			endpoint = stream.open(connection, requestLastEventId(request));
		}
		catch (ConnectionRefusedException ex) {
			response.reset();
			switch (ex.reason()) {
				case KICKED -> {
					refused(StreamRefusalListener.KICKED, ex);
					response.setStatus(HttpServletResponse.SC_NO_CONTENT);
					return;
				}
				case TOPIC_FORBIDDEN -> {
					refused(StreamRefusalListener.TOPIC_FORBIDDEN, ex);
					throw StreamRequestExceptionResolver
						.rejection(request, new ErrorResponseException(HttpStatus.FORBIDDEN, ProblemDetail
							.forStatusAndDetail(HttpStatus.FORBIDDEN, "Subscription to a topic is not allowed"), ex));
				}
				case MAX_CONNECTIONS_PER_SOURCE -> {
					refused(StreamRefusalListener.MAX_CONNECTIONS_PER_SOURCE, ex);
					throw StreamRequestExceptionResolver.rejection(request, refusal(ex, true));
				}
				default -> {
					refused(StreamRefusalListener.MAX_CONNECTIONS, ex);
					throw StreamRequestExceptionResolver.rejection(request, refusal(ex, false));
				}
			}
		}
		catch (ServerClosedException ex) {
			response.reset();
			refused(StreamRefusalListener.SHUTDOWN, ex);
			ErrorResponseException error = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, ex);
			error.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
			throw StreamRequestExceptionResolver.rejection(request, error);
		}
		try {
			connection.start(request, response, endpoint);
		}
		catch (IOException | RuntimeException ex) {
			// Registered but never streamed: release it, or it would count against the
			// limits for good.
			endpoint.onDisconnect();
			throw ex;
		}
	}

	private static void setStreamHeaders(HttpServletResponse response) {
		response.setStatus(HttpServletResponse.SC_OK);
		response.setContentType(CONTENT_TYPE);
		response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache, no-transform");
		response.setHeader("X-Accel-Buffering", "no");
	}

	private @Nullable String requestLastEventId(HttpServletRequest request) {
		String header = request.getHeader(LAST_EVENT_ID);
		if (header != null || this.lastEventIdParameter == null) {
			return header;
		}
		return request.getParameter(this.lastEventIdParameter);
	}

	private void refused(String reason, RuntimeException ex) {
		if (logger.isDebugEnabled()) {
			logger.debug("Refused a stream (" + reason + "): " + ex.getMessage());
		}
		for (StreamRefusalListener listener : this.refusalListeners) {
			try {
				listener.onRefused(reason);
			}
			catch (RuntimeException listenerFailed) {
				logger.warn("Refusal listener " + listener + " failed", listenerFailed);
			}
		}
	}

	private static ErrorResponseException refusal(ConnectionRefusedException ex, boolean perSource) {
		HttpStatus status = perSource ? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.SERVICE_UNAVAILABLE;
		String detail = perSource ? "Too many connections for this source" : "Too many connections";
		ErrorResponseException error = new ErrorResponseException(status,
				ProblemDetail.forStatusAndDetail(status, detail), ex);
		error.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(ex)));
		return error;
	}

	/**
	 * Whole seconds, rounded up and at least one: {@code Retry-After} takes no fractions.
	 */
	private static long retryAfterSeconds(ConnectionRefusedException ex) {
		long millis = ex.retryAfter().toMillis();
		return Math.max(1, (millis + 999) / 1000);
	}

	/**
	 * Answers {@code 406} when the request does not accept {@code text/event-stream}; a
	 * malformed {@code Accept} header accepts nothing, as in Spring MVC's content
	 * negotiation.
	 */
	private static void requireAcceptable(HttpServletRequest request) throws HttpMediaTypeNotAcceptableException {
		String accept = request.getHeader(HttpHeaders.ACCEPT);
		if (accept == null || accept.isBlank()) {
			return;
		}
		try {
			for (MediaType mediaType : MediaType.parseMediaTypes(accept)) {
				if (mediaType.includes(MediaType.TEXT_EVENT_STREAM)) {
					return;
				}
			}
		}
		catch (InvalidMediaTypeException ex) {
			throw StreamRequestExceptionResolver.rejection(request,
					new HttpMediaTypeNotAcceptableException("Could not parse 'Accept' header: " + ex.getMessage()));
		}
		throw StreamRequestExceptionResolver.rejection(request,
				new HttpMediaTypeNotAcceptableException(List.of(MediaType.TEXT_EVENT_STREAM)));
	}

	/**
	 * Answers {@code 500} when a filter or servlet of the request's chain does not
	 * support async, before anything is registered: the stream could never start. Warns
	 * once per controller method.
	 */
	private void requireAsyncSupported(HttpServletRequest request, MethodParameter returnType) {
		if (request.isAsyncSupported()) {
			return;
		}
		Method method = returnType.getMethod();
		String detail = "A filter or servlet of this request does not support async requests, which event streams need";
		if (method != null && this.warnedNoAsync.add(method)) {
			logger.warn(detail + ": " + method + " answers 500 until every filter and servlet mapped to "
					+ request.getRequestURI() + " is registered with asyncSupported=true");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(detail);
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, detail);
		throw StreamRequestExceptionResolver.rejection(request,
				new ErrorResponseException(HttpStatus.INTERNAL_SERVER_ERROR, problem, null));
	}

}
