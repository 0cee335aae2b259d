package dev.eventstream.benchmarks.load;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

	/** Spring MVC {@code SseEmitter}s, the way users write them. */
	MVC("mvc-sseemitter", "mvc-server"),

	/** Spring WebFlux with a multicast sink, on Reactor Netty. */
	WEBFLUX("webflux-sink", "webflux-server"),

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
	 * Whether this is one starter server, whose flight recording {@code --jfr} asks for.
	 */
	boolean recordsFlight() {
		return this == STARTER || this == STARTER_JETTY;
	}

	/**
	 * Whether the dead-clients scenario runs against this server: it answers
	 * {@code GET /bench/connections} with its count of open streams. Not the
	 * small-buffers variant (the connector setting does not change how streams are
	 * released), nor the Redis cluster.
	 */
	boolean countsStreams() {
		return this != STARTER_SMALL_BUFFERS && this != STARTER_REDIS_CLUSTER;
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
	 */
	@Nullable Path jar(Path benchmarksDir) {
		return (this.module != null) ? moduleJar(benchmarksDir, this.module) : null;
	}

	private static Path moduleJar(Path benchmarksDir, String module) {
		return benchmarksDir.resolve(module).resolve("target").resolve(module + ".jar");
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
	List<String> command(String java, List<String> jvmOptions, Path benchmarksDir, int port, List<String> arguments) {
		List<String> command = new ArrayList<>();
		command.add(java);
		command.addAll(jvmOptions);
		String module = this.module;
		if (module == null) {
			command.add("-cp");
			command.add(ownClasses());
			command.add(RawSseServer.class.getName());
			command.add("--port");
			command.add(Integer.toString(port));
			return command;
		}
		command.add("-jar");
		command.add(moduleJar(benchmarksDir, module).toString());
		command.add("--server.port=" + port);
		command.add("--server.address=127.0.0.1");
		command.addAll(List.of(this.extraArgs));
		command.addAll(arguments);
		return command;
	}

}
