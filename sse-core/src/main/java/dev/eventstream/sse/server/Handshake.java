package dev.eventstream.sse.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import dev.eventstream.sse.SseEncoder;
import dev.eventstream.sse.SseEvent;
import org.jspecify.annotations.Nullable;

/**
 * What a stream writes before its live events: the {@code retry} field, the replay after
 * its {@code Last-Event-ID} (after the missed signal when history no longer reaches back
 * that far), and the priming id; and when it will reach its maximum lifetime.
 *
 * @param <T> the type of source ids
 */
final class Handshake<T> {

	private final byte @Nullable [] retryFrame;

	private final @Nullable String missedEvent;

	// Zero for no limit.
	private final long maxLifetimeNanos;

	private final EventLog<T> log;

	Handshake(byte @Nullable [] retryFrame, @Nullable String missedEvent, long maxLifetimeNanos, EventLog<T> log) {
		this.retryFrame = retryFrame;
		this.missedEvent = missedEvent;
		this.maxLifetimeNanos = maxLifetimeNanos;
		this.log = log;
	}

	/**
	 * Queues the preamble of a registered stream, replaying up to {@code upToId}, the
	 * newest id when it registered: later events were queued on it live, behind the
	 * preamble. Called without the publish lock, before the transport's first write.
	 * @return the number of frames replayed
	 */
	int prepare(SseStream<T> stream, String upToId) {
		List<byte[]> preamble = new ArrayList<>();
		if (this.retryFrame != null) {
			preamble.add(this.retryFrame);
		}
		int replayed = 0;
		String lastEventId = stream.lastEventId();
		if (lastEventId != null) {
			EventHistory.Replay replay = this.log.replay(lastEventId, upToId, stream.sourceId(), stream.topics());
			if (!replay.complete() && this.missedEvent != null) {
				String oldest = (replay.oldestId() != null) ? replay.oldestId() : "";
				preamble.add(SseEncoder.encode(SseEvent.of(this.missedEvent, oldest)));
			}
			preamble.addAll(replay.frames());
			replayed = replay.frames().size();
		}
		// Priming: the client records the newest id without dispatching anything, so it
		// resumes from here even if it disconnects before its first event.
		preamble.add(SseEncoder.encode(new SseEvent(upToId, null, null, null, null)));
		stream.queuePreamble(preamble);
		if (this.maxLifetimeNanos > 0) {
			// Each stream gets 90 to 95% of the lifetime, so clients that connected
			// together do not all reconnect at the same moment, and the tick that ends it
			// (every twentieth) comes in time.
			double factor = ThreadLocalRandom.current().nextDouble(0.9, 0.95);
			stream.expiresAt(System.nanoTime() + (long) (this.maxLifetimeNanos * factor));
		}
		return replayed;
	}

}
