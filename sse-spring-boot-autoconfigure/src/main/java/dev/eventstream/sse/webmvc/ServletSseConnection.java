package dev.eventstream.sse.webmvc;

import java.io.IOException;

import dev.eventstream.sse.server.transport.SseConnection;
import dev.eventstream.sse.server.transport.StreamEndpoint;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * An {@link SseConnection} over a Servlet async response in non-blocking mode: no thread waits on it,
 * and the container's callbacks drive the stream.
 *
 * <p>Every use of the response holds this connection's monitor, and so do the container's completion
 * callbacks: the container recycles a response for another request once it completed, so a write
 * racing with the completion could otherwise land in a recycled response.
 */
final class ServletSseConnection implements SseConnection, WriteListener, AsyncListener {

	private static final Log logger = LogFactory.getLog(ServletSseConnection.class);

	private final Object sourceId;

	private @Nullable StreamEndpoint endpoint;

	private @Nullable AsyncContext async;

	private @Nullable ServletOutputStream out;

	private boolean closed;

	ServletSseConnection(Object sourceId) {
		this.sourceId = sourceId;
	}

	/**
	 * Switches the request to async mode and registers the write listener, whose first callback starts
	 * the stream. Called once the stream is registered, so a refused registration can still be answered
	 * with an ordinary error response.
	 */
	synchronized void start(HttpServletRequest request, HttpServletResponse response, StreamEndpoint endpoint)
			throws IOException {
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
		out.setWriteListener(this);
	}

	@Override
	public synchronized boolean isReady() {
		return !this.closed && this.out != null && this.out.isReady();
	}

	@Override
	public synchronized void write(byte[] frame) throws IOException {
		output().write(frame);
	}

	@Override
	public synchronized void flush() throws IOException {
		output().flush();
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
		try {
			this.async.complete();
		}
		catch (RuntimeException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Request of " + this.sourceId + " was already complete: " + ex);
			}
		}
	}

	@Override
	public void onWritePossible() {
		endpoint().onWritePossible();
	}

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

	@Override
	public void onTimeout(AsyncEvent event) {
		disconnected(new IOException("Async timeout"));
	}

	@Override
	public void onError(AsyncEvent event) {
		disconnected(event.getThrowable());
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
	 * Completes the request inside the container's error callback, as the Servlet specification asks,
	 * then releases the stream.
	 */
	private void disconnected(@Nullable Throwable ex) {
		if (logger.isDebugEnabled()) {
			logger.debug("Client of " + this.sourceId + " disconnected: " + ex);
		}
		close();
		endpoint().onDisconnect();
	}

	private synchronized StreamEndpoint endpoint() {
		StreamEndpoint endpoint = this.endpoint;
		if (endpoint == null) {
			throw new IllegalStateException("connection is not started");
		}
		return endpoint;
	}

}
