package dev.eventstream.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs every scenario against every server, one server process at a time, with the same
 * load generator and publisher, and collects the results.
 */
final class LoadRun {

	private static final List<String> JVM_OPTIONS = List.of("-Xms256m", "-Xmx2g", "-XX:+UseG1GC",
			"-XX:+ExitOnOutOfMemoryError");

	private static final int READERS = 2;

	// How long the dead-clients scenario watches the server's count after the second
	// broadcast.
	private static final Duration DEAD_CLIENTS_WAIT = Duration.ofSeconds(15);

	private static final String CONNECTIONS_PATH = "/bench/connections";

	private static final Duration POLL = Duration.ofMillis(20);

	// How long the dead-clients scenario's streams stay idle, once each received an
	// event, before their clients close: they went away after a quiet while, as clients
	// do.
	private static final Duration IDLE_BEFORE_CLOSE = Duration.ofSeconds(2);

	private final RunOptions options;

	private final List<IdleResult> idle = new ArrayList<>();

	private final List<LoadResult> load = new ArrayList<>();

	private final List<DeadClientsResult> deadClients = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	private long phases;

	LoadRun(RunOptions options) {
		this.options = options;
	}

	List<IdleResult> idle() {
		return this.idle;
	}

	List<LoadResult> load() {
		return this.load;
	}

	List<DeadClientsResult> deadClients() {
		return this.deadClients;
	}

	List<String> notes() {
		return this.notes;
	}

	/**
	 * Runs every server; a server that fails is noted and the run goes on with the next.
	 */
	void run() throws IOException, InterruptedException {
		Files.createDirectories(this.options.out());
		List<Integer> sizes = sizesWithinLimits();
		for (ServerKind kind : this.options.servers()) {
			log("== " + kind.label());
			try {
				if (kind == ServerKind.STARTER_REDIS_CLUSTER) {
					runCluster();
				}
				else if (kind == ServerKind.SAMPLE_APP_JETTY && this.options.sampleJettyJar() == null) {
					note(kind.label() + " skipped: no --sample-jetty-jar (the sample app's jar built with -Pjetty)");
				}
				else {
					runServer(kind, sizes);
				}
			}
			catch (IOException | RuntimeException ex) {
				note(kind.label() + " failed: " + ex);
			}
		}
	}

	private void runServer(ServerKind kind, List<Integer> sizes) throws IOException, InterruptedException {
		Path log = this.options.out().resolve(kind.label() + ".log");
		List<String> jvm = new ArrayList<>(JVM_OPTIONS);
		try (ServerProcess server = ServerProcess.start(kind, jvm, this.options, log, Duration.ofSeconds(90));
				LoadGenerator generator = new LoadGenerator(server.address(), READERS);
				Publisher publisher = new Publisher(server.address(), kind.publishesJson())) {
			log("started, pid " + server.pid());
			Session session = new Session(kind, server, generator, publisher);
			session.warmUp();
			long baselineHeap = server.liveHeapBytes();
			log("warmed up, live heap " + baselineHeap / 1024 + " KB");
			if (!sizes.isEmpty()) {
				session.rehearse(sizes.get(0));
			}
			if (this.options.flightRecording() && kind.recordsFlight()) {
				server.startFlightRecording(this.options.out().resolve(kind.label() + ".jfr"));
			}
			for (int size : sizes) {
				List<ClientStream> streams = session.idle(size, baselineHeap);
				session.load("broadcast-64B", streams, 64, 50, this.options.broadcast());
				// The small buffers change buffers, not the broadcast path; the
				// sample app shows that its defaults hold the streams.
				if (kind.runsEveryScenario()) {
					session.load("broadcast-4KiB", streams, 4096, 50, this.options.largeBroadcast());
				}
				if (kind != ServerKind.STARTER_SMALL_BUFFERS && size == this.options.sustainedSize()) {
					session.load("sustained-10/s", streams, 64, 10, this.options.sustained());
				}
				generator.closeAll();
				session.releaseClosed();
			}
			if (kind.runsEveryScenario() && this.options.burstEvents() > 0) {
				session.burst();
			}
			if (kind.runsEveryScenario() && this.options.slowClients() > 0) {
				session.slowConsumers();
			}
			if (kind.countsStreams() && this.options.deadClients() > 0) {
				session.deadClients(Duration.ZERO);
				session.deadClients(Duration.ofSeconds(1));
			}
			if (this.options.flightRecording() && kind.recordsFlight()) {
				server.stopFlightRecording();
			}
		}
	}

	/**
	 * Two starter servers sharing a {@code redis-server}: the streams are held by the
	 * second, events are published to the first, so each event crosses Redis (XADD on
	 * one, XREAD on the other). CPU is the receiving server's.
	 */
	private void runCluster() throws IOException, InterruptedException {
		if (!RedisProcess.available()) {
			note(ServerKind.STARTER_REDIS_CLUSTER.label()
					+ " skipped: no redis-server on the path (Debian package redis-server)");
			return;
		}
		ServerKind kind = ServerKind.STARTER_REDIS_CLUSTER;
		try (RedisProcess redis = RedisProcess.start(this.options.out().resolve("redis.log"), Duration.ofSeconds(15))) {
			List<String> arguments = List.of("--spring.data.redis.port=" + redis.port());
			try (ServerProcess publishing = ServerProcess.start(kind, JVM_OPTIONS, this.options, arguments,
					this.options.out().resolve(kind.label() + "-a.log"), Duration.ofSeconds(90));
					ServerProcess receiving = ServerProcess.start(kind, JVM_OPTIONS, this.options, arguments,
							this.options.out().resolve(kind.label() + "-b.log"), Duration.ofSeconds(90));
					LoadGenerator generator = new LoadGenerator(receiving.address(), READERS);
					Publisher publisher = new Publisher(publishing.address())) {
				log("started, pids " + publishing.pid() + " (publishing) and " + receiving.pid()
						+ " (holding the streams)");
				Session session = new Session(kind, receiving, generator, publisher);
				session.warmUp();
				session.rehearse(this.options.burstClients());
				List<ClientStream> streams = generator
					.connect(this.options.burstClients(), this.options.connectRate(), 0, Duration.ofSeconds(30))
					.streams();
				session.ready(streams);
				session.load("cross-instance-64B", streams, 64, 50, this.options.broadcast());
				session.burst("cross-instance-burst", streams);
				generator.closeAll();
			}
		}
	}

	/**
	 * Drops the sizes this machine cannot hold: both ends need a file descriptor per
	 * stream.
	 */
	private List<Integer> sizesWithinLimits() throws IOException {
		long limit = openFileLimit();
		long ports = ephemeralPorts();
		long budget = Math.min(limit - 500, ports - 1000);
		List<Integer> sizes = new ArrayList<>();
		for (int size : this.options.sizes()) {
			if (size <= budget) {
				sizes.add(size);
			}
			else {
				int fitted = (int) (budget / 1000 * 1000);
				note(size + " streams need more than the open-file limit (" + limit + ") or the ephemeral ports ("
						+ ports + ") allow; ran " + fitted + " instead (see README: ulimit -n)");
				if (fitted > 0 && !sizes.contains(fitted)) {
					sizes.add(fitted);
				}
			}
		}
		return sizes;
	}

	static long openFileLimit() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
			if (line.startsWith("Max open files")) {
				String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
				return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
			}
		}
		return 1024;
	}

	private static long ephemeralPorts() throws IOException {
		String[] range = String.join(" ", Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")))
			.trim()
			.split("\\s+");
		return Long.parseLong(range[1]) - Long.parseLong(range[0]) + 1;
	}

	private void note(String note) {
		log("NOTE " + note);
		this.notes.add(note);
	}

	private static final long STARTED = System.nanoTime();

	/**
	 * Prints a line with the seconds since the harness started and the time of day, by
	 * which a flight recording can be cut into phases.
	 */
	private static void log(String line) {
		System.out.printf("[%6.1f s %s] %s%n", (System.nanoTime() - STARTED) / 1e9,
				LocalTime.now().truncatedTo(ChronoUnit.MILLIS), line);
	}

	private static double millis(long micros) {
		return (micros < 0) ? -1 : micros / 1000.0;
	}

	/**
	 * One server's run: its process, the load generator and the publisher pointed at it.
	 */
	private final class Session {

		private final ServerKind kind;

		private final ServerProcess server;

		private final LoadGenerator generator;

		private final Publisher publisher;

		Session(ServerKind kind, ServerProcess server, LoadGenerator generator, Publisher publisher) {
			this.kind = kind;
			this.server = server;
			this.generator = generator;
			this.publisher = publisher;
		}

		/**
		 * Loads the classes of every path once, so the baseline heap and the first phase
		 * do not pay for it.
		 */
		void warmUp() throws IOException, InterruptedException {
			List<ClientStream> streams = this.generator.connect(20, 500, 0, Duration.ofSeconds(10)).streams();
			ready(streams);
			Phase phase = nextPhase(100);
			this.generator.begin(phase);
			this.publisher.publish(phase, 100, 0, 64, Duration.ofSeconds(20));
			this.generator.awaitDelivery(streams, 100, Duration.ofSeconds(10));
			this.generator.closeAll();
			TimeUnit.MILLISECONDS.sleep(500);
		}

		/**
		 * Runs the 64-byte broadcast once, unmeasured, to the given number of streams,
		 * which then close: the JIT compiler compiles the connect and broadcast paths at
		 * full size, so the measured phases find the server nearer its steady state. (The
		 * warm-up's 20 streams left the compiler threads with a fifth to a third of the
		 * first measured phase's CPU.) After the baseline heap is taken: a container's
		 * caches of recycled connections are no part of it.
		 */
		void rehearse(int size) throws IOException, InterruptedException {
			RunOptions options = LoadRun.this.options;
			List<ClientStream> streams = this.generator.connect(size, options.connectRate(), 0, Duration.ofSeconds(30))
				.streams();
			ready(streams);
			int count = eventCount(50, options.broadcast());
			Phase phase = nextPhase(count);
			this.generator.begin(phase);
			Publisher.PublishResult published = this.publisher.publish(phase, count, 50, 64,
					options.broadcast().plusSeconds(1));
			this.generator.awaitDelivery(streams, published.acked(), options.drain());
			this.generator.closeAll();
			releaseClosed();
			log("rehearsed with " + size + " streams");
		}

		List<ClientStream> idle(int size, long baselineHeap) throws IOException, InterruptedException {
			LoadGenerator.ConnectResult connected = this.generator.connect(size, LoadRun.this.options.connectRate(), 0,
					Duration.ofSeconds(30));
			long lastConnect = System.nanoTime();
			List<ClientStream> streams = connected.streams();
			// Streams that get their response before any event does; give them a second
			// to arrive.
			long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
			while (System.nanoTime() < waitUntil && streams.stream().anyMatch((s) -> s.firstByteNanos == 0)) {
				TimeUnit.MILLISECONDS.sleep(20);
			}
			Histogram firstByte = new Histogram();
			long publishAt = System.nanoTime();
			for (ClientStream stream : streams) {
				long first = stream.firstByteNanos;
				if (first != 0 && first < publishAt) {
					firstByte.record((first - stream.connectStartNanos) / 1000);
				}
			}
			log("connected " + size);
			boolean ready = ready(streams);
			double readyMillis = (System.nanoTime() - lastConnect) / 1e6;
			if (!ready) {
				note(this.kind.label() + ": not every one of " + size
						+ " streams received the first event within 60 s");
			}
			TimeUnit.SECONDS.sleep(1);
			int held = this.generator.held();
			long heap = this.server.liveHeapBytes();
			double perStream = (held > 0) ? (double) (heap - baselineHeap) / held : 0;
			boolean allEarly = firstByte.count() == streams.size();
			IdleResult result = new IdleResult(this.kind.label(), size, held, size - held,
					LoadRun.this.options.connectRate(), size * 1e9 / Math.max(1, connected.openingNanos()),
					(int) firstByte.count(), allEarly ? millis(firstByte.percentile(0.99)) : -1,
					allEarly ? millis(firstByte.max()) : -1, readyMillis, perStream, this.server.residentBytes(),
					this.server.threads());
			log(String.valueOf(result));
			LoadRun.this.idle.add(result);
			return streams;
		}

		/**
		 * Publishes two events to no client, a second apart, after the clients of a size
		 * closed: a server on the Servlet API finds a closed client only by a write that
		 * fails (see the dead-clients scenario), so the next size would otherwise find
		 * the last one's sockets still open, and 10,000 of them with 19,000 new ones pass
		 * the open-file limit.
		 */
		void releaseClosed() throws IOException, InterruptedException {
			for (int i = 0; i < 2; i++) {
				TimeUnit.SECONDS.sleep(1);
				int status = this.publisher.post("release", Duration.ofSeconds(30));
				if (status / 100 != 2) {
					note(this.kind.label() + ": POST after the clients closed answered " + status);
				}
			}
			TimeUnit.SECONDS.sleep(1);
		}

		/**
		 * Publishes an event every half second until every stream received one: all are
		 * registered then, however long the server took to process their requests. Gives
		 * up after a minute.
		 */
		boolean ready(List<ClientStream> streams) throws IOException {
			return this.publisher.publishUntilEveryStreamHasOne(nextPhase(120), this.generator, streams,
					Duration.ofMillis(500));
		}

		LoadResult load(String scenario, List<ClientStream> streams, int payloadBytes, double rate, Duration duration)
				throws IOException {
			int count = eventCount(rate, duration);
			return run(scenario, streams, payloadBytes, rate, count, duration.plusSeconds(1), 0);
		}

		void burst() throws IOException, InterruptedException {
			List<ClientStream> streams = this.generator
				.connect(LoadRun.this.options.burstClients(), LoadRun.this.options.connectRate(), 0,
						Duration.ofSeconds(30))
				.streams();
			ready(streams);
			burst("burst", streams);
			this.generator.closeAll();
			TimeUnit.SECONDS.sleep(1);
		}

		/**
		 * Publishes the burst's events as fast as the server answers, to streams that are
		 * ready.
		 */
		void burst(String scenario, List<ClientStream> streams) throws IOException {
			run(scenario, streams, 64, 0, LoadRun.this.options.burstEvents(), LoadRun.this.options.burstLimit(), 0);
		}

		/**
		 * A tenth of the streams, with a small receive buffer, stop reading after the
		 * first event; the others should see the same delivery as without them.
		 */
		void slowConsumers() throws IOException, InterruptedException {
			int total = LoadRun.this.options.slowClients();
			int slow = total / 10;
			List<ClientStream> streams = new ArrayList<>(
					this.generator.connect(total - slow, LoadRun.this.options.connectRate(), 0, Duration.ofSeconds(30))
						.streams());
			List<ClientStream> slowStreams = this.generator
				.connect(slow, LoadRun.this.options.connectRate(), 4096, Duration.ofSeconds(30))
				.streams();
			streams.addAll(slowStreams);
			ready(streams);
			this.generator.pause(slowStreams);
			int count = eventCount(50, LoadRun.this.options.slow());
			run("slow-consumer", streams, 4096, 50, count, LoadRun.this.options.slow().plusSeconds(1), slow);
			this.generator.closeAll();
		}

		/**
		 * Opens streams, closes every client socket once each stream received an event
		 * and stayed idle for a while, then publishes two broadcasts, the given pause
		 * apart, and watches the server's count of open streams: a server that does not
		 * watch its streams' sockets for reads finds a client gone only by a write that
		 * fails, and the first write after the close usually succeeds.
		 */
		void deadClients(Duration pause) throws IOException, InterruptedException {
			int size = LoadRun.this.options.deadClients();
			String scenario = pause.isZero() ? "back-to-back" : pause.toSeconds() + " s apart";
			String label = this.kind.label() + " dead-clients " + scenario;
			// Streams closed by earlier phases may still be counted: broadcasts find
			// them.
			if (!releaseEarlierStreams()) {
				note(label + " skipped: the server still counted " + count() + " streams of earlier phases");
				return;
			}
			List<ClientStream> streams = this.generator
				.connect(size, LoadRun.this.options.connectRate(), 0, Duration.ofSeconds(30))
				.streams();
			if (!ready(streams)) {
				note(label + ": not every one of " + size + " streams received the first event within 60 s");
			}
			int before = count();
			TimeUnit.NANOSECONDS.sleep(IDLE_BEFORE_CLOSE.toNanos());
			this.generator.closeAll();
			Phase phase = nextPhase(2);
			Duration cpuBefore = this.server.cpuTime();
			String failure = "";
			int atSecond = -1;
			if (this.publisher.publishOne(phase, 0, 64, Duration.ofSeconds(30)) / 100 != 2) {
				failure = "first broadcast failed";
			}
			if (!pause.isZero()) {
				TimeUnit.NANOSECONDS.sleep(pause.toNanos());
				atSecond = count();
			}
			if (this.publisher.publishOne(phase, 1, 64, Duration.ofSeconds(30)) / 100 != 2) {
				failure = "second broadcast failed";
			}
			long second = System.nanoTime();
			long oneSecondAfter = second + TimeUnit.SECONDS.toNanos(1);
			long deadline = second + DEAD_CLIENTS_WAIT.toNanos();
			int afterOneSecond = -1;
			long releasedAt = -1;
			int count;
			for (;;) {
				long now = System.nanoTime();
				if (afterOneSecond < 0 && now < oneSecondAfter && now + POLL.toNanos() > oneSecondAfter) {
					// Read the count one second after, not up to a poll interval later.
					TimeUnit.NANOSECONDS.sleep(oneSecondAfter - now);
					now = System.nanoTime();
				}
				count = count();
				if (afterOneSecond < 0 && now >= oneSecondAfter) {
					afterOneSecond = count;
				}
				if (count == 0) {
					releasedAt = System.nanoTime();
					break;
				}
				if (now > deadline) {
					break;
				}
				TimeUnit.NANOSECONDS.sleep(POLL.toNanos());
			}
			if (afterOneSecond < 0) {
				afterOneSecond = count; // released within the second
			}
			Duration cpu = this.server.cpuTime().minus(cpuBefore);
			DeadClientsResult result = new DeadClientsResult(this.kind.label(), scenario, size, before, atSecond,
					afterOneSecond, (releasedAt < 0) ? -1 : (releasedAt - second) / 1e6, count,
					DEAD_CLIENTS_WAIT.toMillis(), cpu.toNanos() / 1e9, failure);
			log(String.valueOf(result));
			LoadRun.this.deadClients.add(result);
		}

		/**
		 * Publishes an event every half second until the server counts no open stream;
		 * gives up after 30 s.
		 */
		private boolean releaseEarlierStreams() throws IOException, InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			Phase phase = nextPhase(60);
			for (int i = 0; count() > 0; i++) {
				if (System.nanoTime() > deadline || i >= phase.capacity) {
					return false;
				}
				this.publisher.publishOne(phase, i, 64, Duration.ofSeconds(30));
				TimeUnit.MILLISECONDS.sleep(500);
			}
			return true;
		}

		/** Returns the number of streams the server counts as open. */
		private int count() throws IOException {
			return Integer.parseInt(this.publisher.get(CONNECTIONS_PATH, Duration.ofSeconds(30)).trim());
		}

		private LoadResult run(String scenario, List<ClientStream> streams, int payloadBytes, double rate, int count,
				Duration limit, int slowClients) throws IOException {
			Phase phase = nextPhase(count);
			this.generator.begin(phase);
			log(scenario + " to " + streams.size() + " streams begins");
			Duration cpuBefore = this.server.cpuTime();
			Duration jitBefore = this.server.compilerCpuTime();
			long start = System.nanoTime();
			Publisher.PublishResult published = this.publisher.publish(phase, count, rate, payloadBytes, limit);
			this.generator.awaitDelivery(streams, published.acked(), LoadRun.this.options.drain());
			Duration cpu = this.server.cpuTime().minus(cpuBefore);
			Duration jit = this.server.compilerCpuTime().minus(jitBefore);
			PhaseStats stats = this.generator.collect(published.acked());
			long lastReceipt = (stats.lastReceiptNanos > start) ? stats.lastReceiptNanos : System.nanoTime();
			double seconds = (lastReceipt - start) / 1e9;
			String note = (published.failure() != null) ? published.failure() : "";
			if (published.acked() < count && published.failure() == null) {
				note = "published " + published.acked() + " of " + count + " within " + limit.toSeconds() + " s";
			}
			LoadResult result = new LoadResult(this.kind.label(), scenario, stats.participants, payloadBytes, rate,
					published.acked(), (long) published.acked() * stats.participants, stats.received, stats.lost,
					stats.duplicated, stats.outOfOrder, millis(stats.latencies.percentile(0.5)),
					millis(stats.latencies.percentile(0.9)), millis(stats.latencies.percentile(0.99)),
					millis(stats.latencies.max()), stats.received / Math.max(seconds, 1e-9), published.achievedRate(),
					millis(published.postMicros().percentile(0.5)), millis(published.postMicros().max()),
					cpu.toNanos() / 1e9, (stats.received > 0) ? cpu.toNanos() / 1000.0 / stats.received : -1,
					(stats.received > 0) ? jit.toNanos() / 1000.0 / stats.received : -1, this.server.residentBytes(),
					this.server.threads(), slowClients, stats.pausedClosed, stats.closedDuringPhase, note);
			log(String.valueOf(result));
			LoadRun.this.load.add(result);
			return result;
		}

	}

	/** Returns the number of events published at the given rate for the given time. */
	private static int eventCount(double rate, Duration duration) {
		return (int) Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
	}

	private Phase nextPhase(int capacity) {
		this.phases++;
		return new Phase(this.phases * 100_000_000L, capacity);
	}

}
