package dev.eventstream.sse.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReconnectBackoff}, with a jitter source chosen by each test.
 */
class ReconnectBackoffTests {

	/** The middle of [0, 1), which makes no jitter. */
	private static final DoubleSupplier NO_JITTER = () -> 0.5;

	/** The lowest value, which makes the most jitter down. */
	private static final DoubleSupplier LOWEST = () -> 0.0;

	/** The highest value below 1, which makes the most jitter up. */
	private static final DoubleSupplier HIGHEST = () -> Math.nextDown(1.0);

	private static ReconnectBackoff backoff(long reconnectMillis, long maxMillis, DoubleSupplier random) {
		return new ReconnectBackoff(Duration.ofMillis(reconnectMillis), Duration.ofMillis(maxMillis), random);
	}

	private static List<Long> delays(ReconnectBackoff backoff, int count) {
		List<Long> delays = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			delays.add(backoff.nextDelay().toMillis());
		}
		return delays;
	}

	@Test
	void waitsReconnectTimeWithoutJitterAfterFirstFailure() {
		assertThat(backoff(3000, 30000, LOWEST).nextDelay()).isEqualTo(Duration.ofSeconds(3));
		assertThat(backoff(3000, 30000, HIGHEST).nextDelay()).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void doublesDelayFromSecondFailure() {
		assertThat(delays(backoff(100, 30000, NO_JITTER), 6)).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L);
	}

	@Test
	void capsDelayAtMaximum() {
		assertThat(delays(backoff(100, 400, NO_JITTER), 6)).containsExactly(100L, 200L, 400L, 400L, 400L, 400L);
	}

	@Test
	void jitterNeverTakesCappedDelayAboveMaximum() {
		assertThat(delays(backoff(100, 400, HIGHEST), 5)).containsExactly(100L, 240L, 400L, 400L, 400L);
		assertThat(delays(backoff(100, 400, LOWEST), 5)).containsExactly(100L, 160L, 320L, 320L, 320L);
	}

	@Test
	void keepsJitterWithinTwentyPercent() {
		SplittableRandom random = new SplittableRandom(42);
		ReconnectBackoff backoff = backoff(100, 30000, random::nextDouble);
		backoff.nextDelay();
		for (int failures = 2; failures < 40; failures++) {
			long unjittered = Math.min(100L << Math.min(failures - 1, 30), 30000);
			assertThat(backoff.nextDelay().toMillis()).as("failure %d", failures)
				.isBetween((long) (unjittered * 0.8), Math.min((long) (unjittered * 1.2), 30000));
		}
	}

	@Test
	void spreadsDelaysOfClientsFailingTogether() {
		SplittableRandom random = new SplittableRandom(7);
		List<Long> thirdDelays = new ArrayList<>();
		for (int client = 0; client < 20; client++) {
			thirdDelays.add(delays(backoff(100, 30000, random::nextDouble), 3).get(2));
		}
		assertThat(thirdDelays).allMatch((delay) -> delay >= 320 && delay <= 480);
		assertThat(thirdDelays.stream().distinct().count()).isGreaterThan(10);
	}

	@Test
	void backsOffFromHundredMillisWhenReconnectTimeIsTiny() {
		assertThat(delays(backoff(0, 30000, NO_JITTER), 4)).containsExactly(0L, 200L, 400L, 800L);
		assertThat(delays(backoff(10, 30000, NO_JITTER), 3)).containsExactly(10L, 200L, 400L);
	}

	@Test
	void resetAfterDeliveredEventStartsAgainFromReconnectTime() {
		ReconnectBackoff backoff = backoff(100, 30000, NO_JITTER);
		assertThat(delays(backoff, 4)).containsExactly(100L, 200L, 400L, 800L);
		backoff.reset();
		assertThat(delays(backoff, 3)).containsExactly(100L, 200L, 400L);
	}

	@Test
	void takesServerRetryAsReconnectTime() {
		ReconnectBackoff backoff = backoff(3000, 30000, NO_JITTER);
		backoff.retry(Duration.ofMillis(250));
		assertThat(backoff.reconnectTime()).isEqualTo(Duration.ofMillis(250));
		assertThat(delays(backoff, 3)).containsExactly(250L, 500L, 1000L);
	}

	@Test
	void honoursServerRetryLongerThanMaximumWithoutJitter() {
		ReconnectBackoff backoff = backoff(100, 1000, HIGHEST);
		backoff.retry(Duration.ofMillis(600_000));
		assertThat(delays(backoff, 3)).containsExactly(600_000L, 600_000L, 600_000L);
		backoff.retry(Duration.ofMillis(Long.MAX_VALUE));
		assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(Long.MAX_VALUE));
	}

	@Test
	void waitsZeroWhenServerRetryIsZeroAfterDeliveredEvent() {
		ReconnectBackoff backoff = backoff(3000, 30000, NO_JITTER);
		backoff.retry(Duration.ZERO);
		assertThat(backoff.nextDelay()).isEqualTo(Duration.ZERO);
		backoff.reset();
		assertThat(backoff.nextDelay()).isEqualTo(Duration.ZERO);
	}

	@Test
	void staysAtMaximumAfterManyFailures() {
		ReconnectBackoff backoff = backoff(100, 30000, NO_JITTER);
		List<Long> delays = delays(backoff, 1000);
		assertThat(delays.subList(9, 1000)).containsOnly(30000L);
	}

}
