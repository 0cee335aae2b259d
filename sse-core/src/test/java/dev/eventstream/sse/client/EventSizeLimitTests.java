package dev.eventstream.sse.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EventSizeLimit}.
 */
class EventSizeLimitTests {

	private static ByteBuffer bytes(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

	@ParameterizedTest
	@ValueSource(strings = { "\n", "\r", "\r\n" })
	void blankLineResetsCount(String eol) {
		EventSizeLimit limit = new EventSizeLimit(10);
		assertThat(limit.accept(bytes("data: 1234" + eol + eol))).isTrue();
		assertThat(limit.accept(bytes("data: 1234" + eol + eol))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "\n", "\r", "\r\n" })
	void countsEveryLineOfOneEvent(String eol) {
		EventSizeLimit limit = new EventSizeLimit(10);
		assertThat(limit.accept(bytes("data: 12" + eol))).isTrue();
		assertThat(limit.accept(bytes("data" + eol))).isFalse();
	}

	@Test
	void crlfSplitAcrossChunksIsOneLineEnding() {
		EventSizeLimit limit = new EventSizeLimit(10);
		assertThat(limit.accept(bytes("data: 1234\r"))).isTrue();
		// The LF completes the CRLF; only a second line ending would be the blank line.
		assertThat(limit.accept(bytes("\ndata: 1"))).isFalse();
	}

	@Test
	void ignoresCommentLines() {
		EventSizeLimit limit = new EventSizeLimit(10);
		assertThat(limit.accept(bytes(":" + "x".repeat(100) + "\n"))).isTrue();
		assertThat(limit.accept(bytes("data: 1234\n:" + "y".repeat(100) + "\n"))).isTrue();
		assertThat(limit.accept(bytes("d"))).isFalse();
	}

	@Test
	void failsOnLongLineWithoutLineEnding() {
		EventSizeLimit limit = new EventSizeLimit(1024);
		for (int i = 0; i < 8; i++) {
			assertThat(limit.accept(bytes("x".repeat(128)))).isTrue();
		}
		assertThat(limit.accept(bytes("x"))).isFalse();
	}

	@Test
	void leavesBufferPositionUnchanged() {
		EventSizeLimit limit = new EventSizeLimit(10);
		ByteBuffer buffer = bytes("data: 1\n");
		limit.accept(buffer);
		assertThat(buffer.position()).isZero();
	}

}
