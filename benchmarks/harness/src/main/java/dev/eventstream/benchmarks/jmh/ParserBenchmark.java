package dev.eventstream.benchmarks.jmh;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;

import dev.eventstream.sse.SseEncoder;
import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.SseParser;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parsing an event stream fed in 8 KiB reads, as a client receives it; the {@code bytes}
 * counter gives the throughput in bytes per second.
 *
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParserBenchmark {

	private static final int CHUNK = 8192;

	/** Size of each event's data in bytes. */
	@Param({ "64", "4096" })
	public int payloadBytes;

	private byte[] stream;

	/** Encodes about 1 MB of events with ids and names, as a server sends them. */
	@Setup
	public void setUp() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		String data = "x".repeat(this.payloadBytes);
		for (int i = 0; out.size() < 1 << 20; i++) {
			out.writeBytes(SseEncoder.encode(new SseEvent(Integer.toString(i), "message", data, null, null)));
		}
		this.stream = out.toByteArray();
	}

	/**
	 * Parses the whole stream.
	 * @param bytes counts the bytes parsed
	 * @param blackhole takes every event
	 */
	@Benchmark
	public void parse(ParsedBytes bytes, Blackhole blackhole) {
		SseParser parser = new SseParser(blackhole::consume);
		for (int offset = 0; offset < this.stream.length; offset += CHUNK) {
			parser.feed(this.stream, offset, Math.min(CHUNK, this.stream.length - offset));
		}
		bytes.bytes += this.stream.length;
	}

	/**
	 * The bytes parsed, which JMH reports per second.
	 *
	 * @since 0.1.0
	 */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.OPERATIONS)
	public static class ParsedBytes {

		/** Bytes parsed in this iteration. */
		public long bytes;

		/** Resets the count for each iteration. */
		@Setup(Level.Iteration)
		public void reset() {
			this.bytes = 0;
		}

	}

}
