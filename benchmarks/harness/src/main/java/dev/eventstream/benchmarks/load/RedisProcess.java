package dev.eventstream.benchmarks.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} for the cluster scenario, on a free loopback port and without
 * persistence.
 */
final class RedisProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private RedisProcess(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	/** Tells whether {@code redis-server} is on the path. */
	static boolean available() {
		try {
			Process probe = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
			probe.getInputStream().readAllBytes();
			return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	static RedisProcess start(Path log, Duration timeout) throws IOException, InterruptedException {
		int port = ServerProcess.freePort();
		Process process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		ServerProcess.RUNNING.add(process);
		RedisProcess redis = new RedisProcess(process, port);
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!redis.answersPing()) {
			if (!process.isAlive() || System.nanoTime() > deadline) {
				redis.close();
				throw new IOException("redis-server did not start on port " + port + "; see " + log);
			}
			TimeUnit.MILLISECONDS.sleep(50);
		}
		return redis;
	}

	int port() {
		return this.port;
	}

	private boolean answersPing() {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			return new String(in.readNBytes(7), StandardCharsets.US_ASCII).equals("+PONG\r\n");
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
		ServerProcess.RUNNING.remove(this.process);
	}

}
