package dev.eventstream.benchmarks.servlet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Consumer;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

/**
 * One stream in non-blocking mode, as the Servlet contract asks and no more: a frame is
 * written when {@code isReady()} says so, then flushed when it says so again; frames that
 * find the stream not ready wait for {@code onWritePossible()}. The monitor keeps the
 * publishing thread and the container's callback apart.
 */
final class EventStream implements WriteListener, AsyncListener {

	private static final byte[] OPENING = ":\n\n".getBytes(StandardCharsets.UTF_8);

	private final AsyncContext async;

	private final ServletOutputStream out;

	private final Consumer<EventStream> onEnd;

	private final ArrayDeque<byte[]> pending = new ArrayDeque<>();

	private boolean needsFlush;

	private boolean ended;

	EventStream(AsyncContext async, ServletOutputStream out, Consumer<EventStream> onEnd) {
		this.async = async;
		this.out = out;
		this.onEnd = onEnd;
		this.pending.add(OPENING);
	}

	synchronized void send(byte[] frame) {
		if (this.ended) {
			return;
		}
		this.pending.add(frame);
		write();
	}

	@Override
	public synchronized void onWritePossible() {
		write();
	}

	/**
	 * Writes what is pending while the stream is ready, then flushes; returns when
	 * {@code isReady()} said no (the container calls {@code onWritePossible()} later) or
	 * when everything was flushed.
	 */
	private void write() {
		try {
			while (!this.ended && this.out.isReady()) {
				byte[] frame = this.pending.poll();
				if (frame != null) {
					this.out.write(frame);
					this.needsFlush = true;
				}
				else {
					if (this.needsFlush) {
						this.needsFlush = false;
						this.out.flush();
					}
					return;
				}
			}
		}
		catch (IOException | IllegalStateException ex) {
			end();
		}
	}

	@Override
	public void onError(Throwable ex) {
		end();
	}

	@Override
	public void onComplete(AsyncEvent event) {
		end();
	}

	@Override
	public void onTimeout(AsyncEvent event) {
		end();
	}

	@Override
	public void onError(AsyncEvent event) {
		end();
	}

	@Override
	public void onStartAsync(AsyncEvent event) {
	}

	private synchronized void end() {
		if (this.ended) {
			return;
		}
		this.ended = true;
		this.pending.clear();
		this.onEnd.accept(this);
		try {
			this.async.complete();
		}
		catch (IllegalStateException ex) {
			// already completed by the container
		}
	}

}
