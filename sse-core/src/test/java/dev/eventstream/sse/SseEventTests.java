package dev.eventstream.sse;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SseEvent}.
 */
class SseEventTests {

	@Test
	void rejectsCarriageReturnInId() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SseEvent("a\rb", null, "x", null, null))
			.withMessage("'id' must not contain CR or LF");
	}

	@Test
	void rejectsLineFeedInId() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SseEvent("a\nb", null, "x", null, null))
			.withMessage("'id' must not contain CR or LF");
	}

	@Test
	void rejectsCarriageReturnLineFeedAtEndOfId() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.builder().id("7\r\n").data("x").build())
			.withMessage("'id' must not contain CR or LF");
	}

	@Test
	void rejectsNullCharacterInId() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SseEvent("a\0b", null, "x", null, null))
			.withMessage("'id' must not contain U+0000 NULL");
	}

	@Test
	void rejectsCarriageReturnInEvent() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SseEvent(null, "a\rb", "x", null, null))
			.withMessage("'event' must not contain CR or LF");
	}

	@Test
	void rejectsLineFeedInEvent() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.of("x\nretry: 1", "data"))
			.withMessage("'event' must not contain CR or LF");
	}

	@Test
	void rejectsNegativeRetry() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SseEvent(null, null, "x", Duration.ofMillis(-1), null))
			.withMessage("'retry' must not be negative");
	}

	@Test
	void rejectsNegativeRetryOfLessThanOneMillisecond() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.builder().retry(Duration.ofNanos(-1)).build())
			.withMessage("'retry' must not be negative");
	}

	@Test
	void rejectsRetryTooLongToWriteInMilliseconds() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SseEvent.builder().retry(Duration.ofSeconds(Long.MAX_VALUE)).build())
			.withMessage("'retry' must not exceed Long.MAX_VALUE milliseconds");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SseEvent.builder().retry(Duration.ofMillis(Long.MAX_VALUE).plusMillis(1)).build())
			.withMessage("'retry' must not exceed Long.MAX_VALUE milliseconds");
	}

	@Test
	void acceptsLongestRetryThatFitsInMilliseconds() {
		Duration longest = Duration.ofMillis(Long.MAX_VALUE).plusNanos(999_999);
		SseEvent event = SseEvent.builder().retry(longest).build();
		assertThat(event.retry()).isEqualTo(longest);
	}

	@Test
	void rejectsEventWithoutAnyField() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SseEvent(null, null, null, null, null))
			.withMessage("an event needs at least one of 'id', 'event', 'data', 'retry' or 'comment'");
	}

	@Test
	void rejectsEmptyBuilder() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.builder().build())
			.withMessageContaining("at least one of 'id', 'event', 'data', 'retry' or 'comment'");
	}

	@Test
	void rejectsEventWhoseOnlyFieldIsAnEmptyEventType() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.builder().event("").build())
			.withMessageContaining("at least one of");
	}

	@Test
	void acceptsEachFieldAlone() {
		assertThat(SseEvent.builder().id("1").build().id()).isEqualTo("1");
		assertThat(SseEvent.builder().event("e").build().event()).isEqualTo("e");
		assertThat(SseEvent.builder().data("").build().data()).isEmpty();
		assertThat(SseEvent.builder().retry(Duration.ZERO).build().retry()).isEqualTo(Duration.ZERO);
		assertThat(SseEvent.builder().comment("").build().comment()).isEmpty();
	}

	@Test
	void acceptsEmptyId() {
		assertThat(new SseEvent("", null, null, null, null).id()).isEmpty();
	}

	@Test
	void acceptsNewlinesAndNullCharacterInDataAndComment() {
		SseEvent event = new SseEvent(null, null, "a\r\nb\rc\nd\0", null, "x\ny\0");
		assertThat(event.data()).isEqualTo("a\r\nb\rc\nd\0");
		assertThat(event.comment()).isEqualTo("x\ny\0");
	}

	@Test
	void normalisesEmptyEventTypeToNull() {
		assertThat(new SseEvent(null, "", "x", null, null).event()).isNull();
		assertThat(SseEvent.of("", "x").event()).isNull();
		assertThat(SseEvent.builder().event("").data("x").build().event()).isNull();
	}

	@Test
	void keepsBlankEventType() {
		assertThat(SseEvent.of(" ", "x").event()).isEqualTo(" ");
	}

	@Test
	void builderSetsEveryField() {
		SseEvent event = SseEvent.builder()
			.id("42")
			.event("update")
			.data("line 1\nline 2")
			.retry(Duration.ofSeconds(3))
			.comment("note")
			.build();
		assertThat(event).isEqualTo(new SseEvent("42", "update", "line 1\nline 2", Duration.ofSeconds(3), "note"));
	}

	@Test
	void builderAppliesTheConstructorChecks() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.builder().event("a\nb").data("x").build())
			.withMessage("'event' must not contain CR or LF");
	}

	@Test
	void builderLastValueWins() {
		SseEvent event = SseEvent.builder().id("1").id(null).data("a").data("b").build();
		assertThat(event.id()).isNull();
		assertThat(event.data()).isEqualTo("b");
	}

	@Test
	void ofCreatesMessageWithData() {
		assertThat(SseEvent.of("hello")).isEqualTo(new SseEvent(null, null, "hello", null, null));
		assertThat(SseEvent.of("tick", "1")).isEqualTo(new SseEvent(null, "tick", "1", null, null));
	}

	@Test
	void commentCreatesCommentOnlyEvent() {
		assertThat(SseEvent.comment("ping")).isEqualTo(new SseEvent(null, null, null, null, "ping"));
	}

	@Test
	void withIdReplacesOnlyTheId() {
		SseEvent event = new SseEvent("1", "e", "d", Duration.ofMillis(5), "c");
		assertThat(event.withId("2")).isEqualTo(new SseEvent("2", "e", "d", Duration.ofMillis(5), "c"));
		assertThat(event.withId(null).id()).isNull();
	}

	@Test
	void withIdChecksTheNewId() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.of("x").withId("1\n"))
			.withMessage("'id' must not contain CR or LF");
	}

	@Test
	void everyFactoryRejectsLineBreaksInEvent() {
		for (String name : new String[] { "a\nb", "a\rb", "a\r\nb" }) {
			assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.of(name, "x"))
				.withMessage("'event' must not contain CR or LF");
			assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.builder().event(name).data("x").build())
				.withMessage("'event' must not contain CR or LF");
			assertThatIllegalArgumentException().isThrownBy(() -> new SseEvent(null, name, "x", null, null))
				.withMessage("'event' must not contain CR or LF");
		}
	}

	@Test
	void everyFactoryRejectsLineBreaksAndNulInId() {
		for (String id : new String[] { "1\n2", "1\r2", "1\r\n" }) {
			assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.builder().id(id).data("x").build())
				.withMessage("'id' must not contain CR or LF");
			assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.of("x").withId(id))
				.withMessage("'id' must not contain CR or LF");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.builder().id("1\u00002").data("x").build())
			.withMessageContaining("'id'");
		assertThatIllegalArgumentException().isThrownBy(() -> SseEvent.of("x").withId("1\u00002"))
			.withMessageContaining("'id'");
	}

}
