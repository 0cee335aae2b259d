package dev.eventstream.sse.webmvc;

import java.io.IOException;

import dev.eventstream.sse.server.SseConnection;
import dev.eventstream.sse.server.SseStream;
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
 */
final class ServletSseConnection implements SseConnection, WriteListener, AsyncListener {

	private static final Log logger = LogFactory.getLog(ServletSseConnection.class);

	private final SseStream<?> stream;

	private volatile @Nullable AsyncContext async;

	private volatile @Nullable ServletOutputStream out;

	private boolean closed;

	ServletSseConnection(SseStream<?> stream) {
		this.stream = stream;
	}

	/**
	 * Switches the request to async mode and registers the write listener, whose first callback starts
	 * the stream. Called once the stream is registered, so a refused registration can still be answered
	 * with an ordinary error response.
	 */
	synchronized void start(HttpServletRequest request, HttpServletResponse response) throws IOException {
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
	public boolean isReady() {
		return output().isReady();
	}

	@Override
	public void write(byte[] frame) throws IOException {
		output().write(frame);
	}

	@Override
	public void flush() throws IOException {
		output().flush();
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		if (this.async == null) {
			return; // start() completes it
		}
		try {
			this.async.complete();
		}
		catch (IllegalStateException ex) {
			// The container completed the request already, after an error on its side.
		}
	}

	@Override
	public void onWritePossible() {
		this.stream.onWritePossible();
	}

	@Override
	public void onError(Throwable ex) {
		disconnected(ex);
	}

	@Override
	public void onComplete(AsyncEvent event) {
		this.stream.onDisconnect();
	}

	@Override
	public void onTimeout(AsyncEvent event) {
		this.stream.onDisconnect();
	}

	@Override
	public void onError(AsyncEvent event) {
		disconnected(event.getThrowable());
	}

	@Override
	public void onStartAsync(AsyncEvent event) {
	}

	private ServletOutputStream output() {
		ServletOutputStream out = this.out;
		if (out == null) {
			throw new IllegalStateException("connection is not started");
		}
		return out;
	}

	private void disconnected(Throwable ex) {
		if (logger.isDebugEnabled()) {
			logger.debug("Client of " + this.stream.sourceId() + " disconnected: " + ex);
		}
		this.stream.onDisconnect();
	}

}
