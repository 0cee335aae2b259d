package dev.eventstream.sse;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.eventstream.sse.ParseRecorder.Comment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIndexOutOfBoundsException;

/**
 * Tests for {@link SseParser}.
 */
class SseParserTests {

	private static final byte[] BOM = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };

	// Vectors after the examples of WHATWG HTML 9.2.6 "Interpreting an event stream";
	// written with LF and run with each line ending.

	static Stream<Arguments> specExamples() {
		List<Vector> vectors = List.of(new Vector("three data lines make one event", """
				data: YHOO
				data: +2
				data: 10

				""", "", message(null, "YHOO\n+2\n10")), new Vector("the space after the colon is optional", """
				data:test

				data: test

				""", "", message(null, "test"), message(null, "test")),
				new Vector("a comment and an id without data dispatch nothing", """
						: test stream

						id: 1

						""", "1", new Comment("test stream")),
				new Vector("the id persists, an empty id resets it, a second space is data", """
						: test stream

						data: first event
						id: 1

						data:second event
						id

						data:  third event

						""", "", new Comment("test stream"), message("1", "first event"), message(null, "second event"),
						message(null, " third event")),
				new Vector("data without a colon appends an empty line; unterminated data is lost", """
						data

						data
						data

						data:
						""", "", message(null, ""), message(null, "\n")),
				new Vector("event names the type, which resets after each dispatch", """
						event: add
						data: 73857293

						event: remove
						data: 2153

						data: 113411

						""", "", new SseEvent(null, "add", "73857293", null, null),
						new SseEvent(null, "remove", "2153", null, null), message(null, "113411")));
		return vectors.stream()
			.flatMap((vector) -> Stream.of("\n", "\r", "\r\n")
				.map((ending) -> Arguments.of(vector, ending, escape(ending))));
	}

	@ParameterizedTest(name = "{0} with {2}")
	@MethodSource("specExamples")
	void parsesSpecExample(Vector vector, String lineEnding, String lineEndingName) {
		byte[] stream = vector.stream().replace("\n", lineEnding).getBytes(StandardCharsets.UTF_8);
		ParseRecorder whole = new ParseRecorder();
		SseParser parser = new SseParser(whole);
		parser.feed(stream);
		assertThat(whole.calls).containsExactly(vector.expected());
		assertThat(parser.lastEventId()).isEqualTo(vector.lastEventId());
		ParseRecorder bytewise = new ParseRecorder();
		SseParser bytewiseParser = new SseParser(bytewise);
		for (byte b : stream) {
			bytewiseParser.feed(new byte[] { b });
		}
		assertThat(bytewise.calls).containsExactly(vector.expected());
		assertThat(bytewiseParser.lastEventId()).isEqualTo(vector.lastEventId());
	}

	@Test
	void dropsByteOrderMarkAtStart() {
		assertThat(parse(concat(BOM, utf8("data: x\n\n")))).containsExactly(message(null, "x"));
	}

	@Test
	void dropsByteOrderMarkSplitAcrossChunks() {
		byte[] stream = concat(BOM, utf8("data: x\n\n"));
		for (int split = 1; split < 4; split++) {
			assertThat(parse(Arrays.copyOfRange(stream, 0, split), Arrays.copyOfRange(stream, split, stream.length)))
				.as("split at %d", split)
				.containsExactly(message(null, "x"));
		}
		assertThat(parse(new byte[] { BOM[0] }, new byte[] { BOM[1], BOM[2] }, utf8("data: x\n\n")))
			.containsExactly(message(null, "x"));
		assertThat(parse(new byte[0], new byte[] { BOM[0] }, new byte[0], new byte[] { BOM[1] },
				new byte[] { BOM[2], 'd' }, utf8("ata: x\n\n")))
			.containsExactly(message(null, "x"));
	}

	@Test
	void keepsSecondByteOrderMarkAsPartOfTheFieldName() {
		ParseRecorder recorder = new ParseRecorder();
		SseParser parser = new SseParser(recorder);
		parser.feed(concat(BOM, BOM, utf8("data: lost\n\ndata: kept\n\n")));
		assertThat(recorder.calls).containsExactly(message(null, "kept"));
	}

	@Test
	void keepsByteOrderMarkAfterTheStartOfTheStream() {
		assertThat(parse(utf8("data: a\n\n"), BOM, utf8("data: b\n\n"))).containsExactly(message(null, "a"));
		assertThat(parse(utf8("data: a\n\n\uFEFFdata: b\n\n"))).containsExactly(message(null, "a"));
	}

	@Test
	void keepsByteOrderMarkInsideAValue() {
		assertThat(parse(utf8("data: \uFEFFx\n\n"))).containsExactly(message(null, "\uFEFFx"));
	}

	@Test
	void keepsIncompleteByteOrderMarkAtStartAsContent() {
		assertThat(parse(new byte[] { BOM[0] }, new byte[] { BOM[1] }, utf8("data: lost\n\ndata: kept\n\n")))
			.containsExactly(message(null, "kept"));
		assertThat(parse(concat(new byte[] { BOM[0], BOM[1] }, utf8(":c\n\n")))).isEmpty();
		assertThat(parse(concat(new byte[] { BOM[0] }, utf8("\ndata: x\n\n")))).containsExactly(message(null, "x"));
	}

	@Test
	void treatsCarriageReturnAtEndOfChunkAndLineFeedAtStartOfNextAsOneLineEnding() {
		assertThat(parse(utf8("data: a\r"), utf8("\ndata: b\r"), utf8("\n\r"), utf8("\n")))
			.containsExactly(message(null, "a\nb"));
	}

	@Test
	void treatsCarriageReturnLineFeedSplitAcrossEmptyChunksAsOneLineEnding() {
		assertThat(parse(utf8("data: a\r"), new byte[0], utf8("\n"), utf8("data: b\r\n"), utf8("\r"), new byte[0],
				utf8("\n")))
			.containsExactly(message(null, "a\nb"));
	}

	@Test
	void dispatchesOnCarriageReturnWithoutWaitingForTheNextByte() {
		assertThat(parse(utf8("data: x\r\r"))).containsExactly(message(null, "x"));
	}

	@Test
	void treatsTwoCarriageReturnsAsTwoLineEndings() {
		assertThat(parse(utf8("data: a\r\rdata: b\r\r"))).containsExactly(message(null, "a"), message(null, "b"));
	}

	@Test
	void treatsLineFeedThenCarriageReturnAsTwoLineEndings() {
		assertThat(parse(utf8("data: a\n\rdata: b\n\r"))).containsExactly(message(null, "a"), message(null, "b"));
	}

	@Test
	void treatsMixedLineEndingsAlike() {
		assertThat(parse(utf8("data: a\rdata: b\r\ndata: c\n\r\ndata: d\r\n\n")))
			.containsExactly(message(null, "a\nb\nc"), message(null, "d"));
	}

	@Test
	void ignoresIdContainingNullCharacter() {
		ParseRecorder recorder = new ParseRecorder();
		SseParser parser = new SseParser(recorder);
		parser.feed(utf8("id: 1\n\nid: a\0b\ndata: x\n\nid: \0\n\n"));
		assertThat(recorder.calls).containsExactly(message("1", "x"));
		assertThat(parser.lastEventId()).isEqualTo("1");
	}

	@Test
	void reportsRetryOfAsciiDigits() {
		assertThat(parse(utf8("retry: 1000\nretry:0\nretry: 007\nretry: 9223372036854775807\n"))).containsExactly(
				Duration.ofMillis(1000), Duration.ZERO, Duration.ofMillis(7), Duration.ofMillis(Long.MAX_VALUE));
	}

	@ParameterizedTest
	@ValueSource(strings = { "retry: -1", "retry: 1000x", "retry: 1.5", "retry:  1000", "retry: 1000 ", "retry: +1",
			"retry: 1 000", "retry: 0x10", "retry: \u0661\u0660", "retry: \uFF11", "retry:", "retry: ", "retry",
			"retry: 9223372036854775808", "retry: 99999999999999999999" })
	void ignoresRetryThatIsNotAsciiDigits(String line) {
		assertThat(parse(utf8(line + "\ndata: x\n\n"))).containsExactly(message(null, "x"));
	}

	@Test
	void reportsRetryWhenItsLineEndsWithoutDispatching() {
		ParseRecorder recorder = new ParseRecorder();
		SseParser parser = new SseParser(recorder);
		parser.feed(utf8("retry: 5\n"));
		assertThat(recorder.calls).containsExactly(Duration.ofMillis(5));
		parser.feed(utf8("\n"));
		assertThat(recorder.calls).containsExactly(Duration.ofMillis(5));
	}

	@Test
	void ignoresUnknownFields() {
		assertThat(parse(utf8("""
				foo: bar
				DATA: upper
				Data: title
				data : space
				 data: leading
				datum: x
				ids: 5
				retry2: 1
				data: kept
				bogus

				"""))).containsExactly(message(null, "kept"));
	}

	@Test
	void neverDispatchesDataWithoutBlankLine() {
		assertThat(parse(utf8("data: x\n"))).isEmpty();
		assertThat(parse(utf8("data: x"))).isEmpty();
		assertThat(parse(utf8("data: x\r\n"))).isEmpty();
		assertThat(parse(utf8("data: a\n\ndata: b\nid: 2\n"))).containsExactly(message(null, "a"));
	}

	@Test
	void keepsLastEventIdAcrossEventsUntilAnEmptyIdResetsIt() {
		ParseRecorder recorder = new ParseRecorder();
		SseParser parser = new SseParser(recorder);
		parser.feed(utf8("""
				id: 1
				data: a

				data: b

				id: 2

				data: c

				id:
				data: d

				data: e

				"""));
		assertThat(recorder.calls).containsExactly(message("1", "a"), message("1", "b"), message("2", "c"),
				message(null, "d"), message(null, "e"));
		assertThat(parser.lastEventId()).isEmpty();
	}

	@Test
	void commitsLastEventIdOnlyAtTheBlankLine() {
		SseParser parser = new SseParser(new ParseRecorder());
		parser.feed(utf8("id: 5\n"));
		assertThat(parser.lastEventId()).isEmpty();
		parser.feed(utf8("\n"));
		assertThat(parser.lastEventId()).isEqualTo("5");
		parser.feed(utf8("id: 6\ndata: x\n"));
		assertThat(parser.lastEventId()).isEqualTo("5");
	}

	@Test
	void usesLastIdFieldOfTheEvent() {
		assertThat(parse(utf8("id: 1\nid: 2\ndata: x\nid: 3\n\n"))).containsExactly(message("3", "x"));
	}

	@Test
	void keepsIdValueVerbatimAfterOneSpace() {
		assertThat(parse(utf8("id:  7 \ndata: x\n\nid:a:b\ndata: y\n\n"))).containsExactly(message(" 7 ", "x"),
				message("a:b", "y"));
	}

	@Test
	void defaultsTypeToMessage() {
		assertThat(parse(utf8("data: x\n\nevent:\ndata: y\n\nevent\ndata: z\n\n"))).containsExactly(message(null, "x"),
				message(null, "y"), message(null, "z"));
	}

	@Test
	void resetsTypeEvenWhenNothingIsDispatched() {
		assertThat(parse(utf8("event: a\n\ndata: x\n\n"))).containsExactly(message(null, "x"));
	}

	@Test
	void usesLastEventFieldOfTheEvent() {
		assertThat(parse(utf8("event: a\nevent: b\ndata: x\n\n")))
			.containsExactly(new SseEvent(null, "b", "x", null, null));
	}

	@Test
	void keepsSecondSpaceInEventType() {
		assertThat(parse(utf8("event:  a\ndata: x\n\n"))).containsExactly(new SseEvent(null, " a", "x", null, null));
	}

	@Test
	void inheritsLastEventIdGivenToTheConstructor() {
		ParseRecorder recorder = new ParseRecorder();
		SseParser parser = new SseParser(recorder, "41");
		assertThat(parser.lastEventId()).isEqualTo("41");
		parser.feed(utf8("data: a\n\nid: 42\ndata: b\n\nid:\ndata: c\n\n"));
		assertThat(recorder.calls).containsExactly(message("41", "a"), message("42", "b"), message(null, "c"));
	}

	@Test
	void keepsLastEventIdGivenToTheConstructorWhenOnlyCommentsArrive() {
		SseParser parser = new SseParser(new ParseRecorder(), "41");
		parser.feed(utf8(": ping\n\n"));
		assertThat(parser.lastEventId()).isEqualTo("41");
	}

	@Test
	void startsWithoutLastEventIdWhenConstructorIdIsNullOrEmpty() {
		assertThat(new SseParser(new ParseRecorder()).lastEventId()).isEmpty();
		assertThat(new SseParser(new ParseRecorder(), null).lastEventId()).isEmpty();
		ParseRecorder recorder = new ParseRecorder();
		SseParser parser = new SseParser(recorder, "");
		parser.feed(utf8("data: x\n\n"));
		assertThat(recorder.calls).containsExactly(message(null, "x"));
		assertThat(parser.lastEventId()).isEmpty();
	}

	@Test
	void rejectsConstructorLastEventIdThatNoStreamCouldSet() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SseParser(new ParseRecorder(), "1\n"))
			.withMessage("'lastEventId' must not contain CR or LF");
		assertThatIllegalArgumentException().isThrownBy(() -> new SseParser(new ParseRecorder(), "1\r"))
			.withMessage("'lastEventId' must not contain CR or LF");
		assertThatIllegalArgumentException().isThrownBy(() -> new SseParser(new ParseRecorder(), "1\0"))
			.withMessage("'lastEventId' must not contain U+0000 NULL");
	}

	@Test
	void reportsCommentsWithOneLeadingSpaceStripped() {
		assertThat(parse(utf8(": one\n:two\n:  three\n:\n: \n::x\n: a: b\n\n"))).containsExactly(new Comment("one"),
				new Comment("two"), new Comment(" three"), new Comment(""), new Comment(""), new Comment(":x"),
				new Comment("a: b"));
	}

	@Test
	void keepsEventTogetherAroundComments() {
		assertThat(parse(utf8("data: a\n: note\ndata: b\n\n"))).containsExactly(new Comment("note"),
				message(null, "a\nb"));
	}

	@Test
	void stripsOnlyOneLeadingSpaceFromData() {
		assertThat(parse(utf8("data:x\ndata: x\ndata:  x\ndata:\ndata: \ndata:   \ndata: a:b\n\n")))
			.containsExactly(message(null, "x\nx\n x\n\n\n  \na:b"));
	}

	@Test
	void appendsEmptyLineForDataFieldWithoutColon() {
		assertThat(parse(utf8("data\ndata\ndata\n\n"))).containsExactly(message(null, "\n\n"));
	}

	@Test
	void decodesUtf8() {
		assertThat(parse(utf8("event: é\nid: 日本\ndata: ü€ \uD83D\uDE00\n\n")))
			.containsExactly(new SseEvent("日本", "é", "ü€ \uD83D\uDE00", null, null));
	}

	@Test
	void decodesMultiByteCharacterSplitAcrossChunks() {
		byte[] stream = utf8("data: \uD83D\uDE00é\n\n");
		for (int split = 6; split < 11; split++) {
			assertThat(parse(Arrays.copyOfRange(stream, 0, split), Arrays.copyOfRange(stream, split, stream.length)))
				.containsExactly(message(null, "\uD83D\uDE00é"));
		}
	}

	@Test
	void replacesMalformedUtf8WithReplacementCharacter() {
		byte[] stream = concat(utf8("data: a"), new byte[] { (byte) 0xFF }, utf8("b"), new byte[] { (byte) 0xC3 },
				utf8("\ndata: "), new byte[] { (byte) 0xE2, (byte) 0x82 }, utf8("c\n\n"));
		assertThat(parse(stream)).containsExactly(message(null, "a\uFFFDb\uFFFD\n\uFFFDc"));
	}

	@Test
	void decodesMalformedUtf8AsStringConstructorDoes() {
		byte[] value = { (byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80,
				(byte) 0xC0, (byte) 0xAF, (byte) 0xF0, (byte) 0x9F, (byte) 0x98, 'x', (byte) 0x80 };
		String expected = new String(value, StandardCharsets.UTF_8);
		assertThat(expected).contains("\uFFFD").doesNotContain("\n", "\r");
		assertThat(parse(concat(utf8("data: "), value, utf8("\n\n")))).containsExactly(message(null, expected));
	}

	@Test
	void parsesLinesLongerThanTheInitialBuffer() {
		String data = "x".repeat(100_000) + "é".repeat(10_000);
		byte[] stream = utf8("data: " + data + "\ndata: " + data + "\n\n");
		assertThat(parse(stream)).containsExactly(message(null, data + "\n" + data));
		assertThat(parse(Arrays.copyOfRange(stream, 0, 7), Arrays.copyOfRange(stream, 7, 150_000),
				Arrays.copyOfRange(stream, 150_000, stream.length)))
			.containsExactly(message(null, data + "\n" + data));
	}

	@Test
	void parsesPartOfAnArray() {
		byte[] bytes = utf8("xxdata: a\n\nyy");
		ParseRecorder recorder = new ParseRecorder();
		new SseParser(recorder).feed(bytes, 2, bytes.length - 4);
		assertThat(recorder.calls).containsExactly(message(null, "a"));
	}

	@Test
	void rejectsRangeOutsideTheArray() {
		SseParser parser = new SseParser(new ParseRecorder());
		assertThatIndexOutOfBoundsException().isThrownBy(() -> parser.feed(new byte[4], 2, 3));
		assertThatIndexOutOfBoundsException().isThrownBy(() -> parser.feed(new byte[4], -1, 1));
		assertThatIndexOutOfBoundsException().isThrownBy(() -> parser.feed(new byte[4], 0, -1));
	}

	@Test
	void parsesAndConsumesHeapByteBuffer() {
		byte[] bytes = utf8("xxdata: a\n\nyy");
		ByteBuffer buffer = ByteBuffer.wrap(bytes, 2, bytes.length - 4).slice();
		ParseRecorder recorder = new ParseRecorder();
		new SseParser(recorder).feed(buffer);
		assertThat(recorder.calls).containsExactly(message(null, "a"));
		assertThat(buffer.hasRemaining()).isFalse();
	}

	@Test
	void parsesAndConsumesDirectAndReadOnlyByteBuffers() {
		String data = "é".repeat(10_000);
		byte[] bytes = utf8("data: " + data + "\n\n");
		ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
		direct.put(bytes).flip();
		ByteBuffer readOnly = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
		for (ByteBuffer buffer : List.of(direct, readOnly)) {
			ParseRecorder recorder = new ParseRecorder();
			new SseParser(recorder).feed(buffer);
			assertThat(recorder.calls).containsExactly(message(null, data));
			assertThat(buffer.position()).isEqualTo(bytes.length);
		}
	}

	@Test
	void parsesByteBufferFromItsPosition() {
		ByteBuffer buffer = ByteBuffer.wrap(utf8("data: skipped\n\ndata: a\n\n"));
		buffer.position(15);
		ParseRecorder recorder = new ParseRecorder();
		new SseParser(recorder).feed(buffer);
		assertThat(recorder.calls).containsExactly(message(null, "a"));
	}

	@Test
	void dispatchesEventsAsSoonAsTheirBlankLineArrives() {
		ParseRecorder recorder = new ParseRecorder();
		SseParser parser = new SseParser(recorder);
		parser.feed(utf8("data: a\n"));
		assertThat(recorder.calls).isEmpty();
		parser.feed(utf8("\ndata: b"));
		assertThat(recorder.calls).containsExactly(message(null, "a"));
		parser.feed(utf8("\n\n"));
		assertThat(recorder.calls).containsExactly(message(null, "a"), message(null, "b"));
	}

	private static SseEvent message(@Nullable String id, String data) {
		return new SseEvent(id, "message", data, null, null);
	}

	private static List<Object> parse(byte[]... chunks) {
		ParseRecorder recorder = new ParseRecorder();
		SseParser parser = new SseParser(recorder);
		for (byte[] chunk : chunks) {
			parser.feed(chunk);
		}
		return recorder.calls;
	}

	private static byte[] utf8(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private static String escape(String lineEnding) {
		return lineEnding.replace("\r", "CR").replace("\n", "LF");
	}

	/**
	 * A stream written with LF line endings, the calls it must cause, and the last event
	 * ID after it.
	 */
	record Vector(String name, String stream, String lastEventId, Object... expected) {

		@Override
		public String toString() {
			return this.name;
		}

	}

}
