package dev.eventstream.sse;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.eventstream.sse.ParseRecorder.Comment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests: what {@link SseEncoder} writes, {@link SseParser} reads back, in any
 * chunking.
 */
class SseRoundTripTests {

	private static final String INITIAL_ID = "previous";

	@Test
	void parsesEachEncodedEventBackToTheSameEvent() {
		Random random = new Random(20240601L);
		int dispatched = 0;
		for (int i = 0; i < 2_000; i++) {
			SseEvent event = randomEvent(random);
			ParseRecorder recorder = new ParseRecorder();
			SseParser parser = new SseParser(recorder, INITIAL_ID);
			parser.feed(SseEncoder.encode(event));
			List<Object> expected = new ArrayList<>();
			String lastEventId = expectCalls(event, INITIAL_ID, expected);
			assertThat(recorder.calls).as("calls for %s", event).isEqualTo(expected);
			assertThat(parser.lastEventId()).as("last event id for %s", event).isEqualTo(lastEventId);
			if (event.data() != null) {
				SseEvent parsed = recorder.events().get(0);
				assertThat(recorder.events()).hasSize(1);
				assertThat(parsed.data()).isEqualTo(normalise(event.data()));
				assertThat(parsed.event()).isEqualTo((event.event() != null) ? event.event() : "message");
				dispatched++;
			}
			else {
				assertThat(recorder.events()).isEmpty();
			}
		}
		assertThat(dispatched).as("events with data").isGreaterThan(1_000);
	}

	@Test
	void parsesEncodedEventWithoutIdWithTheInheritedId() {
		Random random = new Random(7L);
		for (int i = 0; i < 200; i++) {
			String data = randomText(random, 30, true, true);
			ParseRecorder recorder = new ParseRecorder();
			new SseParser(recorder, "inherited").feed(SseEncoder.encode(SseEvent.of(data)));
			assertThat(recorder.calls)
				.containsExactly(new SseEvent("inherited", "message", normalise(data), null, null));
		}
	}

	@Test
	void parsesEncodedEventWithEmptyIdWithoutId() {
		ParseRecorder recorder = new ParseRecorder();
		SseParser parser = new SseParser(recorder, "inherited");
		parser.feed(SseEncoder.encode(SseEvent.builder().id("").data("x").build()));
		assertThat(recorder.calls).containsExactly(new SseEvent(null, "message", "x", null, null));
		assertThat(parser.lastEventId()).isEmpty();
	}

	@Test
	void dispatchesNothingForCommentOnlyEvents() {
		Random random = new Random(11L);
		for (int i = 0; i < 200; i++) {
			String comment = randomText(random, 30, true, true);
			ParseRecorder recorder = new ParseRecorder();
			new SseParser(recorder).feed(SseEncoder.encode(SseEvent.comment(comment)));
			assertThat(recorder.events()).isEmpty();
			assertThat(recorder.calls).isEqualTo(commentCalls(comment));
		}
	}

	@Test
	void reportsRetryButDispatchesNothingForRetryOnlyEvents() {
		ParseRecorder recorder = new ParseRecorder();
		new SseParser(recorder).feed(SseEncoder.encode(SseEvent.builder().retry(Duration.ofMillis(2500)).build()));
		assertThat(recorder.calls).containsExactly(Duration.ofMillis(2500));
	}

	@Test
	void updatesLastEventIdButDispatchesNothingForIdOnlyEvents() {
		ParseRecorder recorder = new ParseRecorder();
		SseParser parser = new SseParser(recorder);
		parser.feed(SseEncoder.encode(SseEvent.builder().id("prime").event("ignored").build()));
		assertThat(recorder.calls).isEmpty();
		assertThat(parser.lastEventId()).isEqualTo("prime");
		parser.feed(SseEncoder.encode(SseEvent.of("x")));
		assertThat(recorder.calls).containsExactly(new SseEvent("prime", "message", "x", null, null));
	}

	@Test
	void parsesConcatenatedFramesInOneChunk() {
		Random random = new Random(42L);
		List<SseEvent> events = randomEvents(random, 500);
		assertThat(parseInChunks(stream(events), new int[0])).isEqualTo(expectCalls(events));
	}

	@Test
	void parsesConcatenatedFramesAlikeForEverySplitIntoTwoChunks() {
		Random random = new Random(3L);
		List<SseEvent> events = randomEvents(random, 40);
		byte[] stream = stream(events);
		List<Object> expected = expectCalls(events);
		assertThat(parseInChunks(stream, new int[0])).isEqualTo(expected);
		for (int split = 0; split <= stream.length; split++) {
			assertThat(parseInChunks(stream, new int[] { split })).as("split at %d", split).isEqualTo(expected);
		}
	}

	@Test
	void parsesConcatenatedFramesAlikeForRandomSplitsIntoManyChunks() {
		Random random = new Random(5L);
		List<SseEvent> events = randomEvents(random, 300);
		byte[] stream = stream(events);
		List<Object> expected = expectCalls(events);
		for (int i = 0; i < 200; i++) {
			int[] splits = random.ints(1 + random.nextInt(200), 0, stream.length + 1).sorted().toArray();
			assertThat(parseInChunks(stream, splits)).as("splits %s", Arrays.toString(splits)).isEqualTo(expected);
		}
	}

	@Test
	void parsesConcatenatedFramesAlikeOneByteAtATime() {
		Random random = new Random(9L);
		List<SseEvent> events = randomEvents(random, 300);
		byte[] stream = stream(events);
		ParseRecorder recorder = new ParseRecorder();
		SseParser parser = new SseParser(recorder, INITIAL_ID);
		byte[] one = new byte[1];
		for (byte b : stream) {
			one[0] = b;
			parser.feed(one);
		}
		assertThat(recorder.calls).isEqualTo(expectCalls(events));
	}

	@Test
	void parsesStreamWithByteOrderMarkAndLineEndingsSplitAtEveryPosition() {
		byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };
		Random random = new Random(13L);
		List<SseEvent> events = randomEvents(random, 10);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(bom);
		out.writeBytes(stream(events));
		byte[] stream = out.toByteArray();
		List<Object> expected = expectCalls(events);
		for (int first = 0; first <= stream.length; first++) {
			for (int second = first; second <= Math.min(stream.length, first + 8); second++) {
				assertThat(parseInChunks(stream, new int[] { first, second })).isEqualTo(expected);
			}
		}
	}

	private static List<Object> parseInChunks(byte[] stream, int[] splits) {
		ParseRecorder recorder = new ParseRecorder();
		SseParser parser = new SseParser(recorder, INITIAL_ID);
		int from = 0;
		for (int split : splits) {
			parser.feed(stream, from, split - from);
			from = split;
		}
		parser.feed(stream, from, stream.length - from);
		return recorder.calls;
	}

	private static byte[] stream(List<SseEvent> events) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (SseEvent event : events) {
			out.writeBytes(SseEncoder.encode(event));
		}
		return out.toByteArray();
	}

	private static List<Object> expectCalls(List<SseEvent> events) {
		List<Object> expected = new ArrayList<>();
		String lastEventId = INITIAL_ID;
		for (SseEvent event : events) {
			lastEventId = expectCalls(event, lastEventId, expected);
		}
		assertThat(expected).filteredOn(SseEvent.class::isInstance).hasSizeGreaterThan(events.size() / 3);
		return expected;
	}

	/**
	 * Adds the calls a parser makes for one encoded event and returns the last event ID
	 * after it.
	 */
	private static String expectCalls(SseEvent event, String lastEventId, List<Object> expected) {
		if (event.comment() != null) {
			expected.addAll(commentCalls(event.comment()));
		}
		if (event.retry() != null) {
			expected.add(Duration.ofMillis(event.retry().toMillis()));
		}
		String id = (event.id() != null) ? event.id() : lastEventId;
		if (event.data() != null) {
			String type = (event.event() != null) ? event.event() : "message";
			expected.add(new SseEvent(id.isEmpty() ? null : id, type, normalise(event.data()), null, null));
		}
		return id;
	}

	private static List<Object> commentCalls(String comment) {
		List<Object> calls = new ArrayList<>();
		for (String line : normalise(comment).split("\n", -1)) {
			calls.add(new Comment(line));
		}
		return calls;
	}

	private static String normalise(String text) {
		return text.replace("\r\n", "\n").replace('\r', '\n');
	}

	private static List<SseEvent> randomEvents(Random random, int count) {
		List<SseEvent> events = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			events.add(randomEvent(random));
		}
		return events;
	}

	private static SseEvent randomEvent(Random random) {
		while (true) {
			SseEvent.Builder builder = SseEvent.builder();
			if (random.nextInt(3) == 0) {
				builder.id(randomText(random, 12, false, false));
			}
			if (random.nextInt(3) == 0) {
				builder.event(randomText(random, 12, false, false));
			}
			if (random.nextInt(5) != 0) {
				builder.data(randomText(random, 40, true, true));
			}
			if (random.nextInt(6) == 0) {
				long millis = (random.nextBoolean()) ? random.nextInt(100_000) : random.nextLong() >>> 1;
				builder.retry(Duration.ofMillis(millis).plusNanos(random.nextInt(1_000_000)));
			}
			if (random.nextInt(6) == 0) {
				builder.comment(randomText(random, 20, true, true));
			}
			try {
				return builder.build();
			}
			catch (IllegalArgumentException ex) {
				// No field, or only an empty event type: draw again.
			}
		}
	}

	/**
	 * Returns random text from pieces that matter to the format: letters, spaces (often
	 * leading), colons, 2-, 3- and 4-byte UTF-8 characters, a BOM, Unicode line
	 * separators that are not line endings, and optionally CR, LF, CRLF and U+0000.
	 */
	private static String randomText(Random random, int maxLength, boolean lineBreaks, boolean nul) {
		StringBuilder text = new StringBuilder();
		int leadingSpaces = random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0;
		text.append(" ".repeat(leadingSpaces));
		int length = random.nextInt(maxLength + 1);
		int kinds = lineBreaks ? 13 : 10;
		for (int i = 0; i < length; i++) {
			switch (random.nextInt(kinds)) {
				case 0, 1, 2 -> text.append((char) ('a' + random.nextInt(26)));
				case 3 -> text.append(' ');
				case 4 -> text.append(':');
				case 5 -> text.append((char) (0x80 + random.nextInt(0x800 - 0x80)));
				case 6 -> text.append(bmpAbove0800(random));
				case 7 -> text.appendCodePoint(0x10000 + random.nextInt(0x110000 - 0x10000));
				case 8 -> text
					.append(pick(random, "\uFEFF", "\uFFFD", "\u0085", "\u2028", "\u2029", "\t", "\u000B", "\u000C"));
				case 9 -> text.append(nul ? "\0" : "=");
				case 10 -> text.append('\n');
				case 11 -> text.append('\r');
				default -> text.append("\r\n");
			}
		}
		return text.toString();
	}

	private static char bmpAbove0800(Random random) {
		char c;
		do {
			c = (char) (0x800 + random.nextInt(0x10000 - 0x800));
		}
		while (Character.isSurrogate(c));
		return c;
	}

	private static String pick(Random random, String... choices) {
		return choices[random.nextInt(choices.length)];
	}

}
