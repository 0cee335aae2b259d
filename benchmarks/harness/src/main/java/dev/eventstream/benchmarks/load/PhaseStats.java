package dev.eventstream.benchmarks.load;

/**
 * What the streams of a phase received, summed over the reader threads. Mutable while it
 * is summed on one thread; read only afterwards.
 */
final class PhaseStats {

	final Histogram latencies = new Histogram();

	long lastReceiptNanos;

	int open;

	int paused;

	int pausedClosed;

	int participants;

	int closedDuringPhase;

	long received;

	long lost;

	long duplicated;

	long outOfOrder;

	static PhaseStats empty() {
		return new PhaseStats();
	}

	void add(PhaseStats other) {
		this.latencies.add(other.latencies);
		this.lastReceiptNanos = Math.max(this.lastReceiptNanos, other.lastReceiptNanos);
		this.open += other.open;
		this.paused += other.paused;
		this.pausedClosed += other.pausedClosed;
		this.participants += other.participants;
		this.closedDuringPhase += other.closedDuringPhase;
		this.received += other.received;
		this.lost += other.lost;
		this.duplicated += other.duplicated;
		this.outOfOrder += other.outOfOrder;
	}

}
