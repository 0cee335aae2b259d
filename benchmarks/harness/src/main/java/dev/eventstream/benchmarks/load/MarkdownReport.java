package dev.eventstream.benchmarks.load;

import java.util.Locale;

/**
 * Renders a run as Markdown tables: idle streams, load phases, dead clients, JMH, the
 * machine and the notes.
 */
final class MarkdownReport {

	private MarkdownReport() {
	}

	static String render(RunReport report) {
		StringBuilder md = new StringBuilder();
		Machine machine = report.machine();
		md.append("Run: ")
			.append(report.mode())
			.append(", ")
			.append(report.started())
			.append(". Machine: ")
			.append(machine.cores())
			.append(" cores (")
			.append(machine.cpu())
			.append("), ")
			.append(machine.memoryBytes() >> 30)
			.append(" GiB, ")
			.append(machine.os())
			.append(", ")
			.append(machine.java())
			.append(", open-file limit ")
			.append(machine.openFileLimit())
			.append(".\n\n");
		if (!report.idle().isEmpty()) {
			md.append(
					"| server | streams | held | connects/s asked / achieved | first byte p99 / max (ms) | all got 1st event after (ms) | live heap per idle stream | RSS | threads |\n");
			md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
			for (IdleResult r : report.idle()) {
				md.append(row(r.server(), n(r.connections()), n(r.held()),
						f0(r.connectRateAsked()) + " / " + f0(r.connectRateAchieved()),
						(r.firstByteP99Millis() < 0) ? "none before 1st event"
								: f1(r.firstByteP99Millis()) + " / " + f1(r.firstByteMaxMillis()),
						f0(r.readyMillis()), kb(r.liveHeapPerStreamBytes()), mb(r.rssBytes()), n(r.threads())));
			}
			md.append('\n');
		}
		if (!report.load().isEmpty()) {
			md.append(
					"| server | scenario | streams | payload | publish/s asked / achieved | POST p50 / max (ms) | expected | received | lost | closed by server | dup | out of order | latency p50 / p90 / p99 / max (ms) | delivered/s | server CPU µs per event | of it, JIT compiler | threads | note |\n");
			md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
			for (LoadResult r : report.load()) {
				String streams = n(r.connections()) + ((r.slowClients() > 0)
						? " (+" + r.slowClients() + " slow, " + r.slowClosed() + " closed by server)" : "");
				md.append(row(r.server(), r.scenario(), streams, r.payloadBytes() + " B",
						((r.askedRate() > 0) ? f0(r.askedRate()) : "max") + " / " + f1(r.achievedRate()),
						f1(r.postP50Millis()) + " / " + f0(r.postMaxMillis()), n(r.expected()), n(r.received()),
						n(r.lost()), n(r.closed()), n(r.duplicated()), n(r.outOfOrder()),
						f1(r.p50Millis()) + " / " + f1(r.p90Millis()) + " / " + f1(r.p99Millis()) + " / "
								+ f0(r.maxMillis()),
						f0(r.deliveredPerSecond()), f1(r.cpuMicrosPerEvent()), f1(r.jitMicrosPerEvent()),
						n(r.threads()), r.note()));
			}
			md.append('\n');
		}
		if (!report.deadClients().isEmpty()) {
			md.append(
					"| server | dead clients | streams | counted before the close | counted at the 2nd broadcast | counted 1 s after the 2nd | all released after (ms) | left at the end of the wait | server CPU (s) | note |\n");
			md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n");
			for (DeadClientsResult r : report.deadClients()) {
				md.append(row(r.server(), r.scenario(), n(r.streams()), n(r.countedBefore()),
						(r.countedAtSecond() < 0) ? "–" : n(r.countedAtSecond()), n(r.countedAfter1s()),
						(r.releasedMillis() < 0) ? "not within " + f0(r.waitMillis()) : f0(r.releasedMillis()),
						n(r.left()), f1(r.cpuSeconds()), r.note()));
			}
			md.append('\n');
		}
		if (!report.jmh().isEmpty()) {
			md.append("| JMH benchmark | params | score | unit | allocated B/op | MB/s |\n");
			md.append("|---|---|--:|---|--:|--:|\n");
			for (JmhResult r : report.jmh()) {
				md.append(row(r.benchmark(), r.params(),
						f1(r.score()) + (Double.isNaN(r.error()) ? "" : " ± " + f1(r.error())), r.unit(),
						f0(r.allocatedBytesPerOp()), (r.megabytesPerSecond() < 0) ? "" : f0(r.megabytesPerSecond())));
			}
			md.append('\n');
		}
		for (String note : report.notes()) {
			md.append("- ").append(note).append('\n');
		}
		return md.toString();
	}

	private static String row(String... cells) {
		return "| " + String.join(" | ", cells) + " |\n";
	}

	private static String n(long value) {
		return String.format(Locale.ROOT, "%,d", value);
	}

	private static String f0(double value) {
		return (value < 0 || Double.isNaN(value)) ? "–" : String.format(Locale.ROOT, "%,.0f", value);
	}

	private static String f1(double value) {
		return (value < 0 || Double.isNaN(value)) ? "–" : String.format(Locale.ROOT, "%,.1f", value);
	}

	private static String kb(double bytes) {
		return String.format(Locale.ROOT, "%.1f KB", bytes / 1000);
	}

	private static String mb(long bytes) {
		return String.format(Locale.ROOT, "%d MB", bytes / 1_000_000);
	}

}
