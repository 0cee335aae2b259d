package dev.eventstream.sse.webmvc;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.eventstream.sse.server.transport.SseConnection;
import dev.eventstream.sse.server.transport.StreamEndpoint;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * An {@link SseConnection} over a Servlet async response in non-blocking mode: no thread
 * waits on it, and the container's callbacks drive the stream.
 *
 * <p>
 * A response whose output stream does not support non-blocking writes (a mock response,
 * as in {@code MockMvc}, or a wrapper that does not pass {@code setWriteListener} on) is
 * streamed with blocking writes instead: it is always ready, and each frame goes straight
 * through on a writer thread. Fine for a test, where the response is memory; on a real
 * server such a wrapper would let one slow client hold a writer thread, so the first one
 * of each type is logged as a warning.
 *
 * <p>
 * Every use of the response holds this connection's monitor, and so do the container's
 * completion callbacks: the container recycles a response for another request once it
 * completed, so a write racing with the completion could otherwise land in a recycled
 * response.
 */
final class ServletSseConnection implements SseConnection, WriteListener, AsyncListener {

	private static final Log logger = LogFactory.getLog(ServletSseConnection.class);

	private static final String MOCK_PACKAGE = "org.springframework.mock.web.";

	private static final Set<Class<?>> warnedBlockingStreams = ConcurrentHashMap.newKeySet();

	private final Object sourceId;

	private @Nullable StreamEndpoint endpoint;

	private @Nullable AsyncContext async;

	private @Nullable ServletOutputStream out;

	private boolean blocking;

	private boolean closed;

	// Whether a write or a flush failed: the container recorded the error before it
	// threw, so a completion made after it already ended the request.
	private boolean writeFailed;

	// Whether a call to complete() was accepted.
	private boolean completed;

	ServletSseConnection(Object sourceId) {
		this.sourceId = sourceId;
	}

	/**
	 * Switches the request to async mode and registers the write listener, whose first
	 * callback starts the stream. Called once the stream is registered, so a refused
	 * registration can still be answered with an ordinary error response.
	 */
	void start(HttpServletRequest request, HttpServletResponse response, StreamEndpoint endpoint) throws IOException {
		synchronized (this) {
			this.endpoint = endpoint;
			AsyncContext async = request.startAsync(request, response);
			async.setTimeout(0);
			async.addListener(this);
			this.async = async;
			if (this.closed) {
				async.complete();
				return;
			}
			ServletOutputStream out = response.getOutputStream();
			this.out = out;
			try {
				out.setWriteListener(this);
				return;
			}
			catch (UnsupportedOperationException ex) {
				this.blocking = true;
				warnOnceIfReal(request, out);
			}
		}
		// Outside the monitor: the first write may release the stream, which takes the
		// server's lock.
		endpoint.onWritePossible();
	}

	@Override
	public synchronized boolean isReady() {
		return !this.closed && this.out != null && (this.blocking || this.out.isReady());
	}

	@Override
	public synchronized void write(byte[] frame) throws IOException {
		try {
			output().write(frame);
		}
		catch (IOException ex) {
			this.writeFailed = true;
			throw ex;
		}
	}

	@Override
	public synchronized void flush() throws IOException {
		try {
			output().flush();
		}
		catch (IOException ex) {
			this.writeFailed = true;
			throw ex;
		}
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		if (this.async == null) {
			return; // start() completes it
		}
		complete(this.async);
	}

	@Override
	public void onWritePossible() {
		endpoint().onWritePossible();
	}

	/**
	 * Called by the container, before {@link #onError(AsyncEvent)}, when a non-blocking
	 * write failed.
	 */
	@Override
	public void onError(Throwable ex) {
		disconnected(ex);
	}

	@Override
	public void onComplete(AsyncEvent event) {
		synchronized (this) {
			this.closed = true;
		}
		endpoint().onDisconnect();
	}

	/** Completes the request for the same reason as {@link #onError(AsyncEvent)}. */
	@Override
	public void onTimeout(AsyncEvent event) {
		ended(event.getAsyncContext(), new IOException("Async timeout"));
	}

	/**
	 * Completes the request, whatever happened before: a listener that neither completes
	 * nor dispatches in {@code onError} makes the container dispatch the request to its
	 * error page (Servlet specification, 2.3.3.3), which cannot write into an event
	 * stream and logs that it failed. That holds even when the stream closed earlier: the
	 * error may end the completion of an overflowed stream whose client stopped reading,
	 * or follow the write listener's {@code onError}. Only a completion made after a
	 * write failed holds, and is not repeated.
	 */
	@Override
	public void onError(AsyncEvent event) {
		ended(event.getAsyncContext(), event.getThrowable());
	}

	@Override
	public void onStartAsync(AsyncEvent event) {
	}

	private ServletOutputStream output() throws IOException {
		if (this.closed || this.out == null) {
			throw new IOException("Connection is closed");
		}
		return this.out;
	}

	/**
	 * Closes the connection after a failed non-blocking write and releases the stream;
	 * the container's {@link #onError(AsyncEvent)} follows, which completes the request.
	 */
	private void disconnected(@Nullable Throwable ex) {
		if (logger.isDebugEnabled()) {
			logger.debug("Client of " + LogText.of(this.sourceId) + " disconnected: " + ex);
		}
		close();
		endpoint().onDisconnect();
	}

	private void ended(AsyncContext async, @Nullable Throwable ex) {
		if (logger.isDebugEnabled()) {
			logger.debug("Client of " + LogText.of(this.sourceId) + " disconnected: " + ex);
		}
		synchronized (this) {
			this.closed = true;
			// Not again when close() completed the request after a failed write: the
			// container had moved it to its error state first, so that completion holds,
			// and another would only throw (an exception per dead client).
			if (!this.writeFailed || !this.completed) {
				complete(async);
			}
		}
		endpoint().onDisconnect();
	}

	private void complete(AsyncContext async) {
		try {
			async.complete();
			this.completed = true;
		}
		catch (RuntimeException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Request of " + LogText.of(this.sourceId) + " was already complete: " + ex);
			}
		}
	}

	/**
	 * Tells whether the request is a mock (MockMvc), however many wrappers filters put
	 * around it.
	 */
	private static boolean isMock(ServletRequest request) {
		ServletRequest each = request;
		while (each instanceof ServletRequestWrapper wrapper) {
			each = wrapper.getRequest();
		}
		return each.getClass().getName().startsWith(MOCK_PACKAGE);
	}

	private synchronized StreamEndpoint endpoint() {
		StreamEndpoint endpoint = this.endpoint;
		if (endpoint == null) {
			throw new IllegalStateException("connection is not started");
		}
		return endpoint;
	}

	private static void warnOnceIfReal(ServletRequest request, ServletOutputStream out) {
		Class<?> type = out.getClass();
		if (isMock(request) || type.getName().startsWith(MOCK_PACKAGE)) {
			logger.debug("Streaming with blocking writes to a mock response");
			return;
		}
		if (warnedBlockingStreams.add(type)) {
			logger.warn("Output stream " + type.getName() + " does not support non-blocking writes: its event "
					+ "streams are written with blocking writes, and a client that stops reading holds a writer "
					+ "thread; let the response wrapper pass setWriteListener on to the container's stream");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Streaming with blocking writes to " + type.getName());
		}
	}

}
