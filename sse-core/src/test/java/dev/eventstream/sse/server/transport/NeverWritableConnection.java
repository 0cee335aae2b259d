package dev.eventstream.sse.server.transport;

/**
 * A transport's connection that never becomes writable and never calls back, as a client
 * that never reads: a stream opened on it stays registered and writes nothing.
 */
public final class NeverWritableConnection implements SseConnection {

	@Override
	public boolean isReady() {
		return false;
	}

	@Override
	public void write(byte[] frame) {
	}

	@Override
	public void flush() {
	}

	@Override
	public void close() {
	}

}
