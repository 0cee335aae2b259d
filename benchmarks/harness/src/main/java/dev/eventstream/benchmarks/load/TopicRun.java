package dev.eventstream.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The topics scenario, against the starter server only: streams spread evenly over topics
 * ({@code GET /events?user=uI&topic=tJ}, stream {@code i} on topic {@code i % topics}),
 * events published round-robin over the topics at a steady total rate, in one or both of
 * two ways ({@link Publishing}): one {@code POST /topics/{name}/events} per event by
 * {@link TopicPublisher}'s connections, each topic always from the same connection (what
 * an application whose clients post each message pays), and batches of events in one
 * {@code POST /bench/topics/events} each, ten a second, published in the server with
 * {@code sendToTopic} by {@link TopicBatchPublisher} (the topic fan-out without the HTTP
 * cost per event; the server answers the time of each publish call). Each stream must
 * receive exactly its topic's events, each once and in order.
 * <p>
 * For comparison, the same streams in the same server process also take the plain
 * broadcast ({@code broadcast-64B}, 50/s asked) and a broadcast at the rate each stream
 * receives in the topic phase ({@code broadcast-matched}: the same events per stream per
 * second and the same deliveries per second, but one POST per delivery round instead of
 * one per topic).
 */
final class TopicRun {

	private static final List<String> JVM_OPTIONS = List.of("-Xms256m", "-Xmx2g", "-XX:+UseG1GC",
			"-XX:+ExitOnOutOfMemoryError");

	private static final int READERS = 2;

	private static final int PUBLISHERS = 8;

	private static final long STARTED = System.nanoTime();

	/**
	 * One size of the scenario.
	 *
	 * @param streams the streams held
	 * @param topics the topics they are spread over
	 * @param publishRate the topic events published per second, over all topics
	 */
	record Size(int streams, int topics, double publishRate) {

		/** Parses {@code STREAMSxTOPICS@RATE}, such as {@code 10000x1000@1000}. */
		static Size parse(String text) {
			String[] rate = text.trim().split("@");
			String[] counts = rate[0].split("x");
			return new Size(Integer.parseInt(counts[0]), Integer.parseInt(counts[1]),
					(rate.length > 1) ? Double.parseDouble(rate[1]) : Integer.parseInt(counts[1]));
		}

		String label() {
			return "topics-" + this.topics + "x" + (this.streams / this.topics);
		}

	}

	/** How a topic phase publishes its events. */
	enum Publishing {

		/** One {@code POST /topics/{name}/events} per event. */
		HTTP("http", ""),

		/** Batches of events, one {@code POST /bench/topics/events} each. */
		BATCHED("batched", "-batched");

		private final String option;

		private final String suffix;

		Publishing(String option, String suffix) {
			this.option = option;
			this.suffix = suffix;
		}

		/** Parses the comma-separated names of {@code --topic-publish}. */
		static List<Publishing> parse(String text) {
			List<Publishing> publishing = new ArrayList<>();
			for (String name : text.split(",")) {
				Publishing found = null;
				for (Publishing candidate : values()) {
					if (candidate.option.equals(name.trim())) {
						found = candidate;
					}
				}
				if (found == null) {
					throw new IllegalArgumentException(
							"Unknown topic publishing '" + name.trim() + "': expected http or batched");
				}
				if (!publishing.contains(found)) {
					publishing.add(found);
				}
			}
			return publishing;
		}

		String scenario(Size size) {
			return size.label() + this.suffix;
		}

	}

	/**
	 * A measured phase with what {@link LoadResult} has no place for.
	 *
	 * @param load the phase
	 * @param topics topics of the phase, 0 for a broadcast
	 * @param postP99Millis the 99th percentile of the POSTs' times
	 * @param wrongTopic events received by a stream not subscribed to their topic
	 * @param callP50Micros the median time of a publish call in the server (batches only;
	 * -1 otherwise)
	 * @param callP99Micros the 99th percentile of the same
	 */
	record Result(LoadResult load, int topics, double postP99Millis, long wrongTopic, double callP50Micros,
			double callP99Micros) {
	}

	private final RunOptions options;

	private final List<Size> sizes;

	private final List<Publishing> publishing;

	private final Duration phaseLength;

	private final List<Result> results = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	private long phases;

	TopicRun(RunOptions options, List<Size> sizes, List<Publishing> publishing, Duration phaseLength) {
		this.options = options;
		this.sizes = sizes;
		this.publishing = publishing;
		this.phaseLength = phaseLength;
	}

	/**
	 * The sizes of a mode: 1,000 topic events/s over 100 and 1,000 topics, and 200 topics
	 * at 200/s.
	 */
	static List<Size> sizes(String mode) {
		return mode.equals("smoke") ? List.of(new Size(20, 4, 40))
				: List.of(new Size(1000, 100, 1000), new Size(2000, 200, 200), new Size(10000, 1000, 1000));
	}

	/** How long each phase lasts in a mode. */
	static Duration phaseLength(String mode) {
		return switch (mode) {
			case "smoke" -> Duration.ofMillis(500);
			case "full" -> Duration.ofSeconds(30);
			default -> Duration.ofSeconds(10);
		};
	}

	List<Result> results() {
		return this.results;
	}

	List<LoadResult> load() {
		return this.results.stream().map(Result::load).toList();
	}

	List<String> notes() {
		return this.notes;
	}

	/** Runs every size against one starter server process; a failure is noted. */
	void run() throws IOException, InterruptedException {
		Files.createDirectories(this.options.out());
		ServerKind kind = ServerKind.STARTER;
		log("== " + kind.label() + " (topics)");
		Path log = this.options.out().resolve(kind.label() + "-topics.log");
		try (ServerProcess server = ServerProcess.start(kind, JVM_OPTIONS, this.options, log, Duration.ofSeconds(90));
				LoadGenerator generator = new LoadGenerator(server.address(), READERS);
				Publisher publisher = new Publisher(server.address());
				TopicPublisher topicPublisher = new TopicPublisher(server.address(), PUBLISHERS);
				TopicBatchPublisher batchPublisher = new TopicBatchPublisher(server.address())) {
			log("started, pid " + server.pid());
			Session session = new Session(server, generator, publisher, topicPublisher, batchPublisher);
			if (!this.options.mode().equals("smoke")) {
				// Long enough for the JIT to compile the topic paths (POST, JSON or
				// batch, publish) before measuring.
				session.size(new Size(200, 20, 1000), this.phaseLength, false);
				log("warmed up");
			}
			long budget = LoadRun.openFileLimit() - 500;
			for (Size size : this.sizes) {
				if (size.streams() > budget) {
					note(size.label() + ": " + size.streams()
							+ " streams need a higher open-file limit (ulimit -n); skipped");
					continue;
				}
				session.size(size, this.phaseLength, true);
			}
		}
		catch (IOException | RuntimeException ex) {
			note(kind.label() + " topics failed: " + ex);
		}
	}

	private void note(String note) {
		log("NOTE " + note);
		this.notes.add(note);
	}

	private static void log(String line) {
		System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - STARTED) / 1e9, line);
	}

	private static double millis(long micros) {
		return (micros < 0) ? -1 : micros / 1000.0;
	}

	private static double micros(long nanos) {
		return (nanos < 0) ? -1 : nanos / 1000.0;
	}

	private Phase nextPhase(int capacity) {
		this.phases++;
		return new Phase(this.phases * 100_000_000L, capacity);
	}

	private final class Session {

		private final ServerProcess server;

		private final LoadGenerator generator;

		private final Publisher publisher;

		private final TopicPublisher topicPublisher;

		private final TopicBatchPublisher batchPublisher;

		Session(ServerProcess server, LoadGenerator generator, Publisher publisher, TopicPublisher topicPublisher,
				TopicBatchPublisher batchPublisher) {
			this.server = server;
			this.generator = generator;
			this.publisher = publisher;
			this.topicPublisher = topicPublisher;
			this.batchPublisher = batchPublisher;
		}

		/**
		 * Connects the size's streams, then the plain broadcast, the matched broadcast
		 * and the topics, published in each way asked.
		 */
		void size(Size size, Duration length, boolean record) throws IOException, InterruptedException {
			int topics = size.topics();
			List<ClientStream> streams = this.generator
				.connect(size.streams(), TopicRun.this.options.connectRate(), 0, Duration.ofSeconds(30),
						(i) -> "&topic=t" + (i % topics))
				.streams();
			Map<ClientStream, Integer> topicOf = new IdentityHashMap<>();
			for (int i = 0; i < streams.size(); i++) {
				topicOf.put(streams.get(i), i % topics);
			}
			if (!ready(streams)) {
				note(size.label() + ": not every one of " + size.streams()
						+ " streams received a first event within 60 s");
			}
			log("connected " + streams.size() + " streams over " + topics + " topics");
			double perStream = size.publishRate() / topics;
			Result plain = broadcast("broadcast-64B", streams, 50, length);
			Result matched = broadcast("broadcast-matched-" + format(perStream) + "/s", streams, perStream, length);
			List<Result> topicResults = new ArrayList<>();
			for (Publishing publishing : TopicRun.this.publishing) {
				topicResults.add(topics(publishing.scenario(size), publishing, streams, topicOf, topics,
						size.publishRate(), length));
			}
			if (record) {
				TopicRun.this.results.add(plain);
				TopicRun.this.results.add(matched);
				TopicRun.this.results.addAll(topicResults);
			}
			this.generator.closeAll();
			TimeUnit.SECONDS.sleep(1);
		}

		/**
		 * Broadcasts until every stream received one event, for at most a minute: all are
		 * registered then.
		 */
		boolean ready(List<ClientStream> streams) throws IOException {
			return this.publisher.publishUntilEveryStreamHasOne(nextPhase(120), this.generator, streams,
					Duration.ofMillis(500));
		}

		Result broadcast(String scenario, List<ClientStream> streams, double rate, Duration length) throws IOException {
			int count = (int) Math.max(1, Math.round(rate * length.toNanos() / 1e9));
			Phase phase = nextPhase(count);
			this.generator.begin(phase);
			Duration cpuBefore = this.server.cpuTime();
			Duration jitBefore = this.server.compilerCpuTime();
			long start = System.nanoTime();
			Publisher.PublishResult published = this.publisher.publish(phase, count, rate, 64, length.plusSeconds(1));
			this.generator.awaitDelivery(streams, published.acked(), TopicRun.this.options.drain());
			Duration cpu = this.server.cpuTime().minus(cpuBefore);
			PhaseStats stats = this.generator.collect(published.acked());
			String note = (published.failure() != null) ? published.failure()
					: (published.acked() < count) ? "published " + published.acked() + " of " + count : "";
			return result(scenario, 0, "", start, rate, published.acked(),
					(long) published.acked() * stats.participants, stats, stats.received, stats.lost, 0,
					published.achievedRate(), published.postMicros(), new Histogram(), cpu,
					this.server.compilerCpuTime().minus(jitBefore), note);
		}

		Result topics(String scenario, Publishing publishing, List<ClientStream> streams,
				Map<ClientStream, Integer> topicOf, int topics, double rate, Duration length) throws IOException {
			int count = (int) Math.max(topics, Math.round(rate * length.toNanos() / 1e9));
			Phase phase = nextPhase(count);
			this.generator.begin(phase);
			Duration cpuBefore = this.server.cpuTime();
			Duration jitBefore = this.server.compilerCpuTime();
			long start = System.nanoTime();
			TopicPublisher.Result published = (publishing == Publishing.BATCHED)
					? this.batchPublisher.publish(phase, count, rate, topics, 64, length.plusSeconds(1))
					: this.topicPublisher.publish(phase, count, rate, topics, 64, length.plusSeconds(1));
			BitSet acked = published.acked();
			int[] expectedOfTopic = new int[topics];
			acked.stream().forEach((k) -> expectedOfTopic[k % topics]++);
			awaitTopicDelivery(streams, topicOf, expectedOfTopic, TopicRun.this.options.drain());
			Duration cpu = this.server.cpuTime().minus(cpuBefore);
			PhaseStats stats = this.generator.collect(0); // latencies, duplicates, order;
															// the counts below
			long[] counts = new long[4]; // expected, received, lost, wrong topic
			for (long[] part : this.generator
				.summarize((held) -> count(held, topicOf, topics, acked, expectedOfTopic))) {
				for (int i = 0; i < counts.length; i++) {
					counts[i] += part[i];
				}
			}
			String note = (published.failure() != null) ? published.failure()
					: (published.acked().cardinality() < count)
							? "published " + published.acked().cardinality() + " of " + count : "";
			String how = (publishing == Publishing.BATCHED)
					? topics + " topics, 1 publishing connection, " + TopicBatchPublisher.BATCHES_PER_SECOND
							+ " batches/s of " + TopicBatchPublisher.batchSize(rate) + "; "
					: topics + " topics, " + PUBLISHERS + " publishing connections; ";
			return result(scenario, topics, how, start, rate, acked.cardinality(), counts[0], stats, counts[1],
					counts[2], counts[3], published.achievedRate(), published.postMicros(), published.callNanos(), cpu,
					this.server.compilerCpuTime().minus(jitBefore), note);
		}

		/**
		 * Waits until every open stream received as many events as its topic had
		 * published, or the timeout.
		 */
		private void awaitTopicDelivery(List<ClientStream> streams, Map<ClientStream, Integer> topicOf,
				int[] expectedOfTopic, Duration timeout) {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (System.nanoTime() < deadline) {
				boolean all = true;
				for (ClientStream stream : streams) {
					if (!stream.closed
							&& stream.received < expectedOfTopic[Objects.requireNonNull(topicOf.get(stream))]) {
						all = false;
						break;
					}
				}
				if (all) {
					return;
				}
				try {
					TimeUnit.MILLISECONDS.sleep(5);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}

		/**
		 * Builds a phase's result; {@code how} starts the note (how the events were
		 * published), and {@code callNanos} holds the server's publish-call times, if
		 * any.
		 */
		private Result result(String scenario, int topics, String how, long start, double rate, int published,
				long expected, PhaseStats stats, long received, long lost, long wrongTopic, double achievedRate,
				Histogram post, Histogram callNanos, Duration cpu, Duration jit, String note) throws IOException {
			long lastReceipt = (stats.lastReceiptNanos > start) ? stats.lastReceiptNanos : System.nanoTime();
			double seconds = (lastReceipt - start) / 1e9;
			double postP99 = millis(post.percentile(0.99));
			double callP50 = micros(callNanos.percentile(0.5));
			double callP99 = micros(callNanos.percentile(0.99));
			String calls = (callNanos.count() > 0) ? String.format(Locale.ROOT,
					"publish call p50 / p99 / max %.1f / %.1f / %.1f µs (server, %,d calls); ", callP50, callP99,
					micros(callNanos.max()), callNanos.count()) : "";
			String detail = how + calls + "POST p99 " + format(postP99) + " ms"
					+ ((topics > 0) ? "; wrong-topic events " + wrongTopic : "") + String.format(Locale.ROOT,
							"; JIT compiler %.2f of %.2f CPU s", jit.toNanos() / 1e9, cpu.toNanos() / 1e9)
					+ (note.isEmpty() ? "" : "; " + note);
			LoadResult load = new LoadResult(ServerKind.STARTER.label(), scenario, stats.participants, 64, rate,
					published, expected, received, lost, stats.duplicated, stats.outOfOrder,
					millis(stats.latencies.percentile(0.5)), millis(stats.latencies.percentile(0.9)),
					millis(stats.latencies.percentile(0.99)), millis(stats.latencies.max()),
					received / Math.max(seconds, 1e-9), achievedRate, millis(post.percentile(0.5)), millis(post.max()),
					cpu.toNanos() / 1e9, (received > 0) ? cpu.toNanos() / 1000.0 / received : -1,
					(received > 0) ? jit.toNanos() / 1000.0 / received : -1, this.server.residentBytes(),
					this.server.threads(), 0, 0, stats.closedDuringPhase, detail);
			log(String.valueOf(load));
			return new Result(load, topics, postP99, wrongTopic, callP50, callP99);
		}

	}

	/**
	 * Counts, over one reader's participating streams: the events expected (published to
	 * the stream's topic and acknowledged), those received, those lost, and the events of
	 * other topics received.
	 */
	private static long[] count(List<ClientStream> held, Map<ClientStream, Integer> topicOf, int topics, BitSet acked,
			int[] expectedOfTopic) {
		long[] counts = new long[4];
		for (ClientStream stream : held) {
			Integer topic = topicOf.get(stream);
			BitSet seen = stream.seen;
			if (!stream.participant || topic == null || seen == null) {
				continue;
			}
			int expected = expectedOfTopic[topic];
			int received = 0;
			int ownSeen = 0;
			for (int k = seen.nextSetBit(0); k >= 0; k = seen.nextSetBit(k + 1)) {
				if (k % topics == topic) {
					ownSeen++;
					if (acked.get(k)) {
						received++;
					}
				}
			}
			counts[0] += expected;
			counts[1] += received;
			counts[2] += expected - received;
			counts[3] += seen.cardinality() - ownSeen;
		}
		return counts;
	}

	private static String format(double value) {
		return (value < 0) ? "–" : (value == Math.rint(value)) ? String.format(Locale.ROOT, "%.0f", value)
				: String.format(Locale.ROOT, "%.1f", value);
	}

}
