package dev.eventstream.sse.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.TimeoutOptions;
import org.awaitility.Awaitility;

/**
 * A real {@code redis-server} process for tests, on a free loopback port, without
 * persistence: a restart starts empty, like a replaced Redis node. Debian's
 * {@code redis-server} package provides it ({@code .ci/run} installs it).
 */
public final class RedisServer implements AutoCloseable {

	private static final Duration STARTUP = Duration.ofSeconds(15);

	private final int port;

	private final Path directory;

	private Process process;

	private RedisServer(int port, Path directory) throws IOException {
		this.port = port;
		this.directory = directory;
		this.process = launch();
	}

	/**
	 * Starts a server on a free port and waits until it answers.
	 * @return the running server
	 * @throws IOException when it cannot be started
	 */
	public static RedisServer start() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		return new RedisServer(port, Files.createTempDirectory("redis-test"));
	}

	/**
	 * Returns the port the server listens on, on 127.0.0.1.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns the process id of the server.
	 * @return the pid
	 */
	public long pid() {
		return this.process.pid();
	}

	/**
	 * Freezes the server ({@code SIGSTOP}), as a hung Redis: connections stay open, and
	 * nothing is answered until it is {@linkplain #resume() resumed}.
	 */
	public void freeze() {
		signal("-STOP");
	}

	/**
	 * Resumes a {@linkplain #freeze() frozen} server ({@code SIGCONT}); it then answers
	 * what it was sent meanwhile.
	 */
	public void resume() {
		signal("-CONT");
	}

	/**
	 * Returns a started Lettuce connection factory for this server that rejects commands
	 * while disconnected and times them out, as the starter configures the cluster's,
	 * after five seconds: long enough for a loaded test machine; tests of the timeout
	 * itself pass their own.
	 * @return the factory; the caller destroys it
	 */
	public LettuceConnectionFactory connectionFactory() {
		return connectionFactory(Duration.ofSeconds(5));
	}

	/**
	 * Returns a started Lettuce connection factory for this server that rejects commands
	 * while disconnected and times them out after the given time, as the starter
	 * configures the cluster's.
	 * @param timeout the command timeout
	 * @return the factory; the caller destroys it
	 */
	public LettuceConnectionFactory connectionFactory(Duration timeout) {
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.clientOptions(ClientOptions.builder()
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.timeoutOptions(TimeoutOptions.enabled(timeout))
				.build())
			.commandTimeout(timeout)
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", this.port), client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/**
	 * Stops the server; its data is gone.
	 */
	public void stop() {
		if (this.process.isAlive()) {
			// A frozen process acts on SIGTERM only once it runs again.
			resume();
		}
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Starts the server again on the same port, empty.
	 * @throws IOException when it cannot be started
	 */
	public void restart() throws IOException {
		stop();
		this.process = launch();
	}

	@Override
	public void close() {
		stop();
	}

	private void signal(String signal) {
		try {
			Process kill = new ProcessBuilder("kill", signal, Long.toString(this.process.pid())).start();
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill " + signal + " " + this.process.pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private Process launch() throws IOException {
		List<String> command = List.of("redis-server", "--port", Integer.toString(this.port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir", this.directory.toString());
		Process started;
		try {
			started = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(this.directory.resolve("redis.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new IOException("Cannot run redis-server; install Debian's redis-server package", ex);
		}
		try {
			Awaitility.await("redis-server on port " + this.port)
				.atMost(STARTUP)
				.pollInterval(Duration.ofMillis(20))
				.until(() -> {
					if (!started.isAlive()) {
						throw new IOException("redis-server exited with " + started.exitValue() + "; see "
								+ this.directory.resolve("redis.log"));
					}
					return answersPing();
				});
		}
		catch (RuntimeException ex) {
			started.destroyForcibly();
			throw new IOException("redis-server did not start on port " + this.port, ex);
		}
		return started;
	}

	private boolean answersPing() {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = in.readNBytes(7);
			return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
		}
		catch (IOException ex) {
			return false;
		}
	}

}
