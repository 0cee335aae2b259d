package dev.eventstream.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseEncoder}.
 */
class SseEncoderTests {

	@Test
	void encodesSingleDataLine() {
		assertEncodes(SseEvent.of("hello"), "data: hello\n\n");
	}

	@Test
	void encodesDataWithLineFeedsAsSeveralDataLines() {
		assertEncodes(SseEvent.of("a\nb\nc"), """
				data: a
				data: b
				data: c

				""");
	}

	@Test
	void encodesDataWithCarriageReturnsAsSeveralDataLines() {
		assertEncodes(SseEvent.of("a\rb\rc"), "data: a\ndata: b\ndata: c\n\n");
	}

	@Test
	void encodesDataWithCarriageReturnLineFeedsAsSeveralDataLines() {
		assertEncodes(SseEvent.of("a\r\nb\r\nc"), "data: a\ndata: b\ndata: c\n\n");
	}

	@Test
	void encodesDataWithMixedLineEndings() {
		assertEncodes(SseEvent.of("a\nb\rc\r\nd\n\re"), """
				data: a
				data: b
				data: c
				data: d
				data:
				data: e

				""");
	}

	@Test
	void encodesCarriageReturnFollowedByCarriageReturnLineFeedAsTwoLineEndings() {
		assertEncodes(SseEvent.of("a\r\r\nb"), "data: a\ndata:\ndata: b\n\n");
	}

	@Test
	void encodesEmptyDataAsOneEmptyDataLine() {
		assertEncodes(SseEvent.of(""), "data:\n\n");
	}

	@Test
	void encodesAbsentDataAsNoDataLine() {
		assertEncodes(SseEvent.builder().id("7").build(), "id: 7\n\n");
	}

	@Test
	void encodesDataStartingWithSpaceAfterTheSeparatorSpace() {
		assertEncodes(SseEvent.of(" x"), "data:  x\n\n");
		assertEncodes(SseEvent.of("  two"), "data:   two\n\n");
	}

	@Test
	void encodesDataThatIsOnlyASpace() {
		assertEncodes(SseEvent.of(" "), "data:  \n\n");
	}

	@Test
	void encodesTrailingLineFeedInDataAsEmptyLastDataLine() {
		assertEncodes(SseEvent.of("x\n"), "data: x\ndata:\n\n");
	}

	@Test
	void encodesLeadingLineFeedInDataAsEmptyFirstDataLine() {
		assertEncodes(SseEvent.of("\nx"), "data:\ndata: x\n\n");
	}

	@Test
	void encodesDataThatIsOnlyALineFeedAsTwoEmptyDataLines() {
		assertEncodes(SseEvent.of("\n"), "data:\ndata:\n\n");
	}

	@Test
	void encodesColonsInDataVerbatim() {
		assertEncodes(SseEvent.of(":x: y"), "data: :x: y\n\n");
	}

	@Test
	void encodesEventIdAndRetry() {
		SseEvent event = SseEvent.builder()
			.event("update")
			.id("42")
			.retry(Duration.ofMillis(1500))
			.data("{\"a\":1}")
			.build();
		assertEncodes(event, """
				event: update
				id: 42
				retry: 1500
				data: {"a":1}

				""");
	}

	@Test
	void encodesRetryAsWholeMilliseconds() {
		assertEncodes(SseEvent.builder().retry(Duration.ofSeconds(3)).build(), "retry: 3000\n\n");
		assertEncodes(SseEvent.builder().retry(Duration.ofNanos(1_999_999)).build(), "retry: 1\n\n");
		assertEncodes(SseEvent.builder().retry(Duration.ZERO).build(), "retry: 0\n\n");
	}

	@Test
	void encodesLongestRetry() {
		SseEvent event = SseEvent.builder().retry(Duration.ofMillis(Long.MAX_VALUE).plusNanos(999_999)).build();
		assertEncodes(event, "retry: " + Long.MAX_VALUE + "\n\n");
	}

	@Test
	void encodesCommentOnly() {
		assertEncodes(SseEvent.comment("keep-alive"), ": keep-alive\n\n");
	}

	@Test
	void encodesEmptyComment() {
		assertEncodes(SseEvent.comment(""), ":\n\n");
	}

	@Test
	void encodesMultiLineCommentAsSeveralCommentLines() {
		assertEncodes(SseEvent.comment("one\ntwo\r\nthree\rfour"), """
				: one
				: two
				: three
				: four

				""");
	}

	@Test
	void encodesCommentStartingWithSpaceAfterTheSeparatorSpace() {
		assertEncodes(SseEvent.comment(" x"), ":  x\n\n");
	}

	@Test
	void encodesEmptyIdAsIdWithoutValue() {
		assertEncodes(SseEvent.builder().id("").data("x").build(), "id:\ndata: x\n\n");
	}

	@Test
	void encodesIdStartingWithSpaceAfterTheSeparatorSpace() {
		assertEncodes(SseEvent.builder().id(" 1").build(), "id:  1\n\n");
	}

	@Test
	void omitsEmptyEventType() {
		assertEncodes(SseEvent.of("", "x"), "data: x\n\n");
	}

	@Test
	void writesFieldsInOrderCommentEventIdRetryData() {
		SseEvent event = new SseEvent("9", "tick", "d1\nd2", Duration.ofMillis(10), "c1\nc2");
		assertEncodes(event, """
				: c1
				: c2
				event: tick
				id: 9
				retry: 10
				data: d1
				data: d2

				""");
	}

	@Test
	void encodesNonAsciiAsUtf8() {
		assertEncodes(SseEvent.of("é", "ü€ 日本"), "event: é\ndata: ü€ 日本\n\n");
		assertThat(SseEncoder.encode(SseEvent.of("é"))).containsExactly('d', 'a', 't', 'a', ':', ' ', 0xC3 - 256,
				0xA9 - 256, '\n', '\n');
	}

	@Test
	void encodesSurrogatePairsAsFourByteUtf8() {
		String emoji = "\uD83D\uDE00";
		assertEncodes(new SseEvent("\uD834\uDD1E", "x" + emoji, "a" + emoji + "b", null, emoji),
				": " + emoji + "\nevent: x" + emoji + "\nid: \uD834\uDD1E\ndata: a" + emoji + "b\n\n");
		assertThat(SseEncoder.encode(SseEvent.of(emoji))).containsExactly('d', 'a', 't', 'a', ':', ' ', 0xF0 - 256,
				0x9F - 256, 0x98 - 256, 0x80 - 256, '\n', '\n');
	}

	@Test
	void encodesUnpairedSurrogatesAsQuestionMarksLikeStringGetBytes() {
		assertEncodes(SseEvent.of("a\uD83Db\uDE00c\uD83D"), "data: a?b?c?\n\n");
		assertEncodes(SseEvent.of("\uDE00\uD83D"), "data: ??\n\n");
	}

	@Test
	void encodesCharactersAtTheUtf8LengthBoundaries() {
		String value = "\u007F\u0080\u07FF\u0800\uFFFF\uD800\uDC00\uDBFF\uDFFF";
		assertEncodes(SseEvent.of(value), "data: " + value + "\n\n");
	}

	@Test
	void neverWritesAByteOrderMark() {
		byte[] frame = SseEncoder.encode(SseEvent.comment("x"));
		assertThat(frame[0]).isEqualTo((byte) ':');
	}

	@Test
	void writesByteOrderMarkInDataOnlyAsData() {
		assertEncodes(SseEvent.of("\uFEFFx"), "data: \uFEFFx\n\n");
	}

	@Test
	void endsEveryLineWithLineFeedAndNeverWritesCarriageReturn() {
		SseEvent event = new SseEvent("1", "e", "a\r\nb\rc\n\r\r\n", Duration.ofMillis(1), "x\r\ny\r");
		byte[] frame = SseEncoder.encode(event);
		assertThat(frame).doesNotContain((byte) '\r');
		assertThat(frame[frame.length - 1]).isEqualTo((byte) '\n');
		assertThat(frame[frame.length - 2]).isEqualTo((byte) '\n');
		assertThat(text(frame)).isEqualTo("""
				: x
				: y
				:
				event: e
				id: 1
				retry: 1
				data: a
				data: b
				data: c
				data:
				data:
				data:

				""");
	}

	@Test
	void returnsANewArrayForEachCall() {
		SseEvent event = SseEvent.of("x");
		assertThat(SseEncoder.encode(event)).isNotSameAs(SseEncoder.encode(event)).isEqualTo(SseEncoder.encode(event));
	}

	private static void assertEncodes(SseEvent event, String expected) {
		byte[] expectedBytes = expected.getBytes(StandardCharsets.UTF_8);
		byte[] actual = SseEncoder.encode(event);
		assertThat(actual).hasSize(expectedBytes.length);
		assertThat(text(actual)).isEqualTo(expected);
		assertThat(actual).isEqualTo(expectedBytes);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
