package dev.eventstream.sse.autoconfigure.container;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class ConnectionLimitCheckTests {

	@Test
	void warnsWhenTheProcessMayNotOpenAFilePerConnection(CapturedOutput output) {
		check(4096).check(11_000);
		assertThat(output).containsOnlyOnce("The process may open at most 4096 files, fewer than the 11000 "
				+ "connections the web server should hold (the 10000 streams of 'sse.max-connections' plus 1000 "
				+ "for other requests)");
	}

	@Test
	void doesNotWarnWhenTheProcessMayOpenAFilePerConnection(CapturedOutput output) {
		check(11_000).check(11_000);
		check(-1).check(11_000);
		assertThat(output).doesNotContain("WARN");
	}

	@Test
	void warnsWhenTheContainerLimitIsNotAboveTheStreamLimit(CapturedOutput output) {
		check(1_000_000).check(10_000);
		assertThat(output).containsOnlyOnce("Tomcat accepts at most 10000 connections").contains("WARN");
	}

	@Test
	void doesNotWarnWhenTheContainerHasNoLimit(CapturedOutput output) {
		check(1_000_000).check(-1);
		assertThat(output).doesNotContain("WARN");
	}

	@Test
	void givesATenthOfTheStreamsAndAtLeastAThousandToOtherConnections() {
		assertThat(ConnectionCeiling.of(1).containerLimit()).isEqualTo(1001);
		assertThat(ConnectionCeiling.of(10_000).containerLimit()).isEqualTo(11_000);
		assertThat(ConnectionCeiling.of(100_000).containerLimit()).isEqualTo(110_000);
		assertThat(ConnectionCeiling.of(Integer.MAX_VALUE).containerLimit()).isEqualTo(Integer.MAX_VALUE);
	}

	private static ConnectionLimitCheck check(long maxFileDescriptors) {
		return new ConnectionLimitCheck(ConnectionCeiling.of(10_000), "Tomcat", "server.tomcat.max-connections",
				(webServer) -> null, () -> maxFileDescriptors);
	}

}
