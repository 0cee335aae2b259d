package dev.eventstream.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine a run was measured on.
 *
 * @param cores processors available to the JVM
 * @param memoryBytes physical memory
 * @param cpu the processor model
 * @param os the operating system and kernel
 * @param java the JVM that ran the harness and every server
 * @param openFileLimit open files allowed per process
 */
record Machine(int cores, long memoryBytes, String cpu, String os, String java, long openFileLimit) {

	static Machine current() throws IOException {
		String cpu = "unknown";
		for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
			if (line.startsWith("model name")) {
				cpu = line.substring(line.indexOf(':') + 1).trim();
				break;
			}
		}
		long memory = 0;
		for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
			if (line.startsWith("MemTotal:")) {
				memory = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
			}
		}
		return new Machine(Runtime.getRuntime().availableProcessors(), memory, cpu,
				System.getProperty("os.name") + " " + System.getProperty("os.version"),
				System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
				LoadRun.openFileLimit());
	}

}
