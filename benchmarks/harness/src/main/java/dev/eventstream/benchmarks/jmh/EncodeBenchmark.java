package dev.eventstream.benchmarks.jmh;

import java.util.concurrent.TimeUnit;

import dev.eventstream.sse.SseEncoder;
import dev.eventstream.sse.SseEvent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding one event (id, name and data) into its frame: the work done once per publish.
 *
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EncodeBenchmark {

	/** Size of the event's data in bytes. */
	@Param({ "64", "4096" })
	public int payloadBytes;

	private SseEvent event;

	/** Builds the event. */
	@Setup
	public void setUp() {
		this.event = new SseEvent("1234567", "message", "x".repeat(this.payloadBytes), null, null);
	}

	/**
	 * Encodes the event.
	 * @return the frame
	 */
	@Benchmark
	public byte[] encode() {
		return SseEncoder.encode(this.event);
	}

}
