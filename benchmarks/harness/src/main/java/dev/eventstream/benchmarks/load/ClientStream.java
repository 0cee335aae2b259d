package dev.eventstream.benchmarks.load;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.BitSet;

import org.jspecify.annotations.Nullable;

/**
 * One event stream held by the load generator: its socket, an incremental decoder of the
 * HTTP response (status, headers, chunked or plain body) and of the event-stream lines in
 * it, and what it received in the current phase. Only the data line's leading sequence
 * number is read; everything else is skipped byte by byte, so the client stays cheap.
 * Written by its reader thread only; the volatile fields are read by the coordinator
 * while it waits.
 */
final class ClientStream {

	private static final byte[] DATA = { 'd', 'a', 't', 'a', ':' };

	private static final int HEAD = 0;

	private static final int CHUNK_SIZE = 1;

	private static final int CHUNK_EXTENSION = 2;

	private static final int CHUNK_DATA = 3;

	private static final int CHUNK_END = 4;

	private static final int PLAIN = 5;

	private static final int ENDED = 6;

	// Line states of the event-stream scanner.
	private static final int LINE_PREFIX = 0;

	private static final int LINE_SPACE = 1;

	private static final int LINE_DIGITS = 2;

	private static final int LINE_SKIP = 3;

	final SocketChannel channel;

	final long connectStartNanos;

	volatile @Nullable SelectionKey key;

	volatile long firstByteNanos;

	volatile boolean closed;

	volatile boolean paused;

	volatile int received;

	int status;

	private int state = HEAD;

	private final StringBuilder head = new StringBuilder();

	private long chunkRemaining;

	private int lineState = LINE_PREFIX;

	private int prefixMatched;

	private long seq;

	private int digits;

	// Per phase.
	@Nullable Phase phase;

	boolean participant;

	@Nullable BitSet seen;

	int maxIndex = -1;

	long duplicates;

	long outOfOrder;

	ClientStream(SocketChannel channel, long connectStartNanos) {
		this.channel = channel;
		this.connectStartNanos = connectStartNanos;
	}

	void begin(Phase phase) {
		this.phase = phase;
		this.participant = !this.closed && !this.paused;
		this.seen = new BitSet();
		this.maxIndex = -1;
		this.duplicates = 0;
		this.outOfOrder = 0;
		this.received = 0;
	}

	/**
	 * Decodes the bytes just read; calls back the reader for each event's sequence
	 * number.
	 */
	void onBytes(ByteBuffer buffer, int length, long now, Histogram latencies) {
		if (this.firstByteNanos == 0) {
			this.firstByteNanos = now;
		}
		int i = 0;
		while (i < length) {
			switch (this.state) {
				case HEAD -> i = head(buffer, i, length);
				case CHUNK_SIZE -> {
					int b = buffer.get(i++);
					int digit = Character.digit(b, 16);
					if (digit >= 0) {
						this.chunkRemaining = this.chunkRemaining * 16 + digit;
					}
					else if (b == '\n') {
						this.state = (this.chunkRemaining == 0) ? ENDED : CHUNK_DATA;
					}
					else if (b != '\r') {
						this.state = CHUNK_EXTENSION;
					}
				}
				case CHUNK_EXTENSION -> {
					if (buffer.get(i++) == '\n') {
						this.state = (this.chunkRemaining == 0) ? ENDED : CHUNK_DATA;
					}
				}
				case CHUNK_DATA -> {
					int end = (int) Math.min(length, i + this.chunkRemaining);
					scan(buffer, i, end, now, latencies);
					this.chunkRemaining -= end - i;
					i = end;
					if (this.chunkRemaining == 0) {
						this.state = CHUNK_END;
					}
				}
				case CHUNK_END -> {
					if (buffer.get(i++) == '\n') {
						this.state = CHUNK_SIZE;
					}
				}
				case PLAIN -> {
					scan(buffer, i, length, now, latencies);
					i = length;
				}
				default -> i = length;
			}
		}
	}

	private int head(ByteBuffer buffer, int from, int length) {
		int i = from;
		while (i < length) {
			this.head.append((char) (buffer.get(i++) & 0xff));
			int n = this.head.length();
			if (n >= 4 && this.head.charAt(n - 1) == '\n' && this.head.charAt(n - 2) == '\r'
					&& this.head.charAt(n - 3) == '\n') {
				String text = this.head.toString();
				this.status = (text.length() > 12) ? Integer.parseInt(text.substring(9, 12)) : 0;
				boolean chunked = text.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked");
				this.state = chunked ? CHUNK_SIZE : PLAIN;
				this.head.setLength(0);
				this.head.trimToSize();
				return i;
			}
		}
		return i;
	}

	private void scan(ByteBuffer buffer, int from, int to, long now, Histogram latencies) {
		for (int i = from; i < to; i++) {
			byte b = buffer.get(i);
			if (b == '\n' || b == '\r') {
				if (this.lineState == LINE_DIGITS) {
					event(now, latencies);
				}
				this.lineState = LINE_PREFIX;
				this.prefixMatched = 0;
				continue;
			}
			switch (this.lineState) {
				case LINE_PREFIX -> {
					if (b == DATA[this.prefixMatched]) {
						if (++this.prefixMatched == DATA.length) {
							this.lineState = LINE_SPACE;
						}
					}
					else {
						this.lineState = LINE_SKIP;
					}
				}
				case LINE_SPACE, LINE_DIGITS -> {
					if (b >= '0' && b <= '9') {
						if (this.lineState == LINE_SPACE) {
							this.lineState = LINE_DIGITS;
							this.seq = 0;
							this.digits = 0;
						}
						this.seq = this.seq * 10 + (b - '0');
						this.digits++;
					}
					else if (this.lineState == LINE_DIGITS) {
						event(now, latencies);
						this.lineState = LINE_SKIP;
					}
					else if (b != ' ') {
						this.lineState = LINE_SKIP;
					}
				}
				default -> {
					// the rest of a line we do not need
				}
			}
		}
	}

	private void event(long now, Histogram latencies) {
		Phase phase = this.phase;
		BitSet seen = this.seen;
		if (phase == null || seen == null || this.digits > 18) {
			return;
		}
		long offset = this.seq - phase.base;
		if (offset < 0 || offset >= phase.capacity) {
			return; // from another phase: buffered by a server, or late
		}
		int index = (int) offset;
		if (seen.get(index)) {
			this.duplicates++;
			return;
		}
		seen.set(index);
		if (index < this.maxIndex) {
			this.outOfOrder++;
		}
		else {
			this.maxIndex = index;
		}
		this.received++;
		long published = phase.publishedNanos.get(index);
		if (published != 0) {
			latencies.record((now - published) / 1000);
		}
	}

	boolean ended() {
		return this.state == ENDED;
	}

	/**
	 * Returns how many events numbered below {@code acked} (relative to the phase) it
	 * received.
	 */
	int receivedBelow(int acked) {
		BitSet seen = this.seen;
		return (seen != null) ? seen.get(0, acked).cardinality() : 0;
	}

}
