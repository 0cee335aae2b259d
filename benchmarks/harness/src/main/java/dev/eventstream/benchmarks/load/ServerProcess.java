package dev.eventstream.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One server under test running as its own JVM process, so its CPU time, resident memory,
 * heap and threads are its own: read from {@code /proc/<pid>} and with {@code jcmd}.
 * Every process started is destroyed at the latest when the harness's JVM exits.
 */
final class ServerProcess implements AutoCloseable {

	// Every process the harness started and has not stopped yet: killed if the harness
	// exits first.
	static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

	private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
	}

	private final ServerKind kind;

	private final Process process;

	private final int port;

	private final Path jcmd;

	private final long ticksPerSecond;

	private ServerProcess(ServerKind kind, Process process, int port, Path jcmd, long ticksPerSecond) {
		this.kind = kind;
		this.process = process;
		this.port = port;
		this.jcmd = jcmd;
		this.ticksPerSecond = ticksPerSecond;
	}

	/**
	 * Starts the server on a free port and returns once it answers a POST, or fails after
	 * the timeout.
	 */
	static ServerProcess start(ServerKind kind, List<String> jvmOptions, RunOptions options, Path log, Duration timeout)
			throws IOException, InterruptedException {
		return start(kind, jvmOptions, options, List.of(), log, timeout);
	}

	/**
	 * Starts the server like
	 * {@link #start(ServerKind, List, RunOptions, Path, Duration)}, with more arguments.
	 */
	static ServerProcess start(ServerKind kind, List<String> jvmOptions, RunOptions options, List<String> arguments,
			Path log, Duration timeout) throws IOException, InterruptedException {
		Path jar = kind.jar(options);
		if (jar != null && !Files.isRegularFile(jar)) {
			throw new IOException("No " + jar + ": build it first (mvn -B -DskipTests package)");
		}
		Path javaHome = Path.of(System.getProperty("java.home"));
		String java = javaHome.resolve("bin").resolve("java").toString();
		int port = freePort();
		ProcessBuilder builder = new ProcessBuilder(kind.command(java, jvmOptions, jar, port, arguments));
		builder.redirectErrorStream(true);
		builder.redirectOutput(log.toFile());
		Process process = builder.start();
		RUNNING.add(process);
		ServerProcess server = new ServerProcess(kind, process, port, javaHome.resolve("bin").resolve("jcmd"),
				clockTicksPerSecond());
		try {
			server.awaitReady(timeout);
		}
		catch (IOException | RuntimeException ex) {
			server.close();
			throw ex;
		}
		return server;
	}

	private void awaitReady(Duration timeout) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		try (Publisher probe = new Publisher(address(), this.kind.publishesJson())) {
			for (;;) {
				if (!this.process.isAlive()) {
					throw new IOException(
							this.kind.label() + " exited with " + this.process.exitValue() + " before it was ready");
				}
				try {
					if (probe.post("0 ready", Duration.ofSeconds(5)) / 100 == 2) {
						return;
					}
				}
				catch (IOException ex) {
					probe.close(); // not listening yet
				}
				if (System.nanoTime() > deadline) {
					throw new IOException(this.kind.label() + " not ready after " + timeout);
				}
				TimeUnit.MILLISECONDS.sleep(200);
			}
		}
	}

	InetSocketAddress address() {
		return new InetSocketAddress("127.0.0.1", this.port);
	}

	long pid() {
		return this.process.pid();
	}

	/** Returns the CPU time (user and system) the process used so far. */
	Duration cpuTime() throws IOException {
		String stat = String.join(" ", Files.readAllLines(Path.of("/proc", Long.toString(pid()), "stat")));
		return duration(cpuTicks(stat));
	}

	/**
	 * Returns the CPU time (user and system) the process's JIT compiler threads used so
	 * far: how much of a phase's CPU went to compiling rather than serving. Zero where it
	 * cannot be read.
	 */
	Duration compilerCpuTime() {
		long ticks = 0;
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid()), "task"))) {
			for (Path task : tasks) {
				try {
					String name = Files.readString(task.resolve("comm")).trim();
					if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
						ticks += cpuTicks(Files.readString(task.resolve("stat")));
					}
				}
				catch (IOException | RuntimeException ex) {
					// the thread ended meanwhile
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			return Duration.ZERO;
		}
		return duration(ticks);
	}

	/**
	 * Returns the user and system CPU time, in clock ticks, of a process's or thread's
	 * {@code stat} line.
	 */
	private static long cpuTicks(String stat) {
		// Fields after the command name, which is in parentheses and may hold spaces.
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	private Duration duration(long ticks) {
		return Duration.ofNanos(ticks * 1_000_000_000L / this.ticksPerSecond);
	}

	/** Returns the resident set size in bytes. */
	long residentBytes() throws IOException {
		return statusField("VmRSS:") * 1024;
	}

	/** Returns the number of threads of the process. */
	int threads() throws IOException {
		return (int) statusField("Threads:");
	}

	/**
	 * Runs a full garbage collection in the server and returns the heap then in use: its
	 * live objects.
	 */
	long liveHeapBytes() throws IOException, InterruptedException {
		jcmd("GC.run");
		String info = jcmd("GC.heap_info");
		Matcher matcher = HEAP_USED.matcher(info);
		if (!matcher.find()) {
			throw new IOException("Unexpected GC.heap_info output: " + info);
		}
		return Long.parseLong(matcher.group(1)) * 1024;
	}

	/**
	 * Starts a flight recording in the server, written to the given file when stopped or
	 * at exit. Java code is sampled every millisecond rather than the profile's 10: a
	 * server busy at 1,000 streams spends much of its time in system calls, which the
	 * execution sampler skips, and a 20 s phase gave only about 600 samples at 10 ms.
	 */
	void startFlightRecording(Path file) throws IOException, InterruptedException {
		jcmd("JFR.start", "name=bench", "settings=profile", "jdk.ExecutionSample#period=1ms",
				"filename=" + file.toAbsolutePath());
	}

	void stopFlightRecording() throws IOException, InterruptedException {
		jcmd("JFR.stop", "name=bench");
	}

	private String jcmd(String... command) throws IOException, InterruptedException {
		List<String> line = new ArrayList<>();
		line.add(this.jcmd.toString());
		line.add(Long.toString(pid()));
		line.addAll(List.of(command));
		Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
		try {
			byte[] output = jcmd.getInputStream().readAllBytes();
			if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
				throw new IOException("jcmd " + String.join(" ", command) + " failed: " + new String(output));
			}
			return new String(output);
		}
		finally {
			jcmd.destroyForcibly();
		}
	}

	private long statusField(String name) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
			if (line.startsWith(name)) {
				return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
			}
		}
		throw new IOException("No " + name + " in /proc/" + pid() + "/status");
	}

	/**
	 * Stops the server: asks first, then kills it if it has not ended within 15 seconds.
	 */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		finally {
			RUNNING.remove(this.process);
		}
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static long clockTicksPerSecond() {
		try {
			Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
			String output = new String(getconf.getInputStream().readAllBytes()).trim();
			getconf.waitFor(10, TimeUnit.SECONDS);
			return Long.parseLong(output);
		}
		catch (IOException | NumberFormatException ex) {
			return 100; // what Linux uses on every common architecture
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 100;
		}
	}

}
