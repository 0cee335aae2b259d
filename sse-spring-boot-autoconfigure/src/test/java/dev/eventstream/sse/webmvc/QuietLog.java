package dev.eventstream.sse.webmvc;

import java.time.Duration;

import org.springframework.boot.test.system.CapturedOutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Assertions on the log output a test captured: what clients do, well-behaved or not, is
 * logged at {@code DEBUG} at most, never as a warning, an error or a stack trace.
 */
final class QuietLog {

	private QuietLog() {
	}

	/**
	 * Asserts that nothing was logged above {@code DEBUG} since the output had the given
	 * length.
	 * @param output the captured output
	 * @param from its length before the test acted
	 */
	static void assertQuiet(CapturedOutput output, int from) {
		String logged = output.toString().substring(from);
		assertThat(logged).doesNotContain(" WARN ").doesNotContain(" ERROR ").doesNotContain("\tat ");
	}

	/**
	 * Asserts that nothing was logged above {@code DEBUG} since the output had the given
	 * length, and that nothing is for a second more: the container may log after the
	 * server released a stream.
	 * @param output the captured output
	 * @param from its length before the test acted
	 */
	static void assertStaysQuiet(CapturedOutput output, int from) {
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(3))
			.untilAsserted(() -> assertQuiet(output, from));
	}

}
