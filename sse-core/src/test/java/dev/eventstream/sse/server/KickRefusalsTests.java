package dev.eventstream.sse.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KickRefusalsTests {

	private final KickRefusals<String> refusals = new KickRefusals<>();

	@Test
	void refusesUntilDeadline() {
		this.refusals.refuse("alice", 100, 50);
		assertThat(this.refusals.remainingNanos("alice", 120)).isEqualTo(30);
		assertThat(this.refusals.remainingNanos("bob", 120)).isZero();
		assertThat(this.refusals.remainingNanos("alice", 150)).isZero();
		assertThat(this.refusals.size()).isZero();
	}

	@Test
	void purgeForgetsEndedRefusals() {
		for (int i = 0; i < 100; i++) {
			this.refusals.refuse("user" + i, 0, 10);
		}
		this.refusals.refuse("late", 0, 1000);
		this.refusals.purge(10);
		assertThat(this.refusals.size()).isEqualTo(1);
	}

	@Test
	void purgesEndedRefusalsAsTheyGrow() {
		for (int i = 0; i < 1000; i++) {
			this.refusals.refuse("user" + i, i, 1);
		}
		assertThat(this.refusals.size()).isLessThanOrEqualTo(128);
	}

}
