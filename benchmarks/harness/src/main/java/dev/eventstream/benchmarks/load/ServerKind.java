package dev.eventstream.benchmarks.load;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.eventstream.benchmarks.raw.RawSseServer;
import org.jspecify.annotations.Nullable;

/**
 * A server under test and how to start it: a Spring Boot jar of the benchmarks, or the
 * raw-NIO server from the harness's own classpath.
 */
enum ServerKind {

	/** The starter, on Tomcat with its defaults. */
	STARTER("starter", "starter-server"),

	/**
	 * The starter on Jetty: the same sources and settings, built with Jetty instead of
	 * Tomcat.
	 */
	STARTER_JETTY("starter-jetty", "starter-jetty-server"),

	/**
	 * The starter, with Tomcat's per-connection buffers shrunk by a connector customizer.
	 */
	STARTER_SMALL_BUFFERS("starter-small-buffers", "starter-server", "--bench.tomcat.small-buffers=true"),

	/**
	 * Two starter servers clustered through a {@code redis-server} the harness starts:
	 * clients on one, events published on the other, so every event crosses Redis.
	 */
	STARTER_REDIS_CLUSTER("starter-redis-cluster", "starter-server", "--sse.cluster.type=redis"),

	/**
	 * The sample app's jar as shipped (Tomcat), with no setting changed: its contract's
	 * {@code GET /events?user=} and {@code POST /events} with a JSON body.
	 */
	SAMPLE_APP("sample-app", null),

	/**
	 * The sample app's jar built with {@code -Pjetty}, as shipped; given with
	 * {@code --sample-jetty-jar}.
	 */
	SAMPLE_APP_JETTY("sample-app-jetty", null),

	/** Spring MVC {@code SseEmitter}s, the way users write them. */
	MVC("mvc-sseemitter", "mvc-server"),

	/** Spring WebFlux with a multicast sink, on Reactor Netty. */
	WEBFLUX("webflux-sink", "webflux-server"),

	/**
	 * A hand-written non-blocking Servlet on Tomcat: the fewest container calls per event
	 * ({@code isReady}, {@code write}, {@code isReady}, {@code flush}), on the publishing
	 * thread; what Tomcat itself costs.
	 */
	SERVLET("servlet-nonblocking", "servlet-server"),

	/** The same Servlet on Jetty 12. */
	SERVLET_JETTY("servlet-nonblocking-jetty", "servlet-jetty-server"),

	/**
	 * One selector thread writing a pre-encoded frame to every socket: the practical
	 * limit.
	 */
	RAW("raw-nio", null);

	private final String label;

	private final @Nullable String module;

	private final String[] extraArgs;

	ServerKind(String label, @Nullable String module, String... extraArgs) {
		this.label = label;
		this.module = module;
		this.extraArgs = extraArgs;
	}

	String label() {
		return this.label;
	}

	/**
	 * Whether this is the sample app, whose {@code POST /events} takes {@code {"data":
	 * ...}}.
	 */
	boolean publishesJson() {
		return this == SAMPLE_APP || this == SAMPLE_APP_JETTY;
	}

	/**
	 * Whether every scenario runs; the others take the idle and 64-byte broadcast
	 * scenarios only (and the sustained one at its size for the sample app).
	 */
	boolean runsEveryScenario() {
		return this != STARTER_SMALL_BUFFERS && !publishesJson();
	}

	/**
	 * Whether {@code --jfr} records this server: the starter and the hand-written
	 * Servlet, on Tomcat and on Jetty.
	 */
	boolean recordsFlight() {
		return this == STARTER || this == STARTER_JETTY || this == SERVLET || this == SERVLET_JETTY;
	}

	/**
	 * Whether the dead-clients scenario runs against this server: it answers
	 * {@code GET /bench/connections} with its count of open streams. Not the
	 * small-buffers variant (the connector setting does not change how streams are
	 * released), nor the Redis cluster.
	 */
	boolean countsStreams() {
		return this != STARTER_SMALL_BUFFERS && this != STARTER_REDIS_CLUSTER && !publishesJson();
	}

	static ServerKind of(String label) {
		for (ServerKind kind : values()) {
			if (kind.label.equals(label) || kind.name().equalsIgnoreCase(label)) {
				return kind;
			}
		}
		throw new IllegalArgumentException("Unknown server '" + label + "'");
	}

	/**
	 * Returns the jar this server runs from, or {@code null} for the harness's own
	 * classpath.
	 * @throws IOException if the sample app's jar is not there
	 */
	@Nullable Path jar(RunOptions options) throws IOException {
		if (this == SAMPLE_APP) {
			Path root = options.benchmarksDir().toAbsolutePath().getParent();
			if (root == null) {
				throw new IOException("No folder above " + options.benchmarksDir() + " to find the sample app in");
			}
			return sampleAppJar(root.resolve("sample-app").resolve("target"));
		}
		if (this == SAMPLE_APP_JETTY) {
			Path jar = options.sampleJettyJar();
			if (jar == null) {
				throw new IOException("no --sample-jetty-jar given (build it with mvn -pl sample-app -am -Pjetty "
						+ "package and copy the jar elsewhere before building the Tomcat one)");
			}
			return jar;
		}
		return (this.module != null)
				? options.benchmarksDir().resolve(this.module).resolve("target").resolve(this.module + ".jar") : null;
	}

	/** The Spring Boot jar that {@code mvn package} leaves in the sample app's target. */
	private static Path sampleAppJar(Path target) throws IOException {
		try (Stream<Path> files = Files.list(target)) {
			return files.filter((file) -> file.getFileName().toString().matches("sample-app-.*\\.jar"))
				.findFirst()
				.orElseThrow(() -> new IOException("No sample-app-*.jar in " + target + ": build it first"));
		}
		catch (NoSuchFileException ex) {
			throw new IOException("No " + target + ": build the sample app first (mvn -B -DskipTests package)");
		}
	}

	/**
	 * The jar or folder the harness's classes come from; the raw server needs nothing
	 * else.
	 */
	private static String ownClasses() {
		try {
			return Path.of(RawSseServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Returns the command line that starts the server on the given port. */
	List<String> command(String java, List<String> jvmOptions, @Nullable Path jar, int port, List<String> arguments) {
		List<String> command = new ArrayList<>();
		command.add(java);
		command.addAll(jvmOptions);
		if (jar == null) {
			command.add("-cp");
			command.add(ownClasses());
			command.add(RawSseServer.class.getName());
			command.add("--port");
			command.add(Integer.toString(port));
			return command;
		}
		command.add("-jar");
		command.add(jar.toString());
		command.add("--server.port=" + port);
		command.add("--server.address=127.0.0.1");
		command.addAll(List.of(this.extraArgs));
		command.addAll(arguments);
		return command;
	}

}
