package dev.eventstream.sse.server;

import java.time.Duration;
import java.util.List;

import dev.eventstream.sse.SseEncoder;
import dev.eventstream.sse.SseEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class UnnumberedFrameTests {

	private static final List<SseEvent> EVENTS = List.of(SseEvent.of("plain"), SseEvent.of("tick", "a\nb\r\nc"),
			SseEvent.of("", ""), SseEvent.builder().comment("note\nmore").event("é").data(" lead").build(),
			SseEvent.builder().event("x").retry(Duration.ofMillis(1500)).data("d").build(),
			SseEvent.builder().comment("only a comment").event("named").build());

	@Test
	void insertingTheIdGivesTheBytesOfTheEventEncodedWithIt() {
		for (SseEvent event : EVENTS) {
			for (String id : List.of("1", "1732000000000-0", "ü-id")) {
				assertThat(new String(UnnumberedFrame.of(event).withId(id))).as(event + " with " + id)
					.isEqualTo(new String(SseEncoder.encode(event.withId(id))));
			}
		}
	}

	@Test
	void exactBytes() {
		UnnumberedFrame frame = UnnumberedFrame.of(SseEvent.of("tick", "1"));
		assertThat(new String(frame.bytes())).isEqualTo("event: tick\ndata: 1\n\n");
		assertThat(frame.idOffset()).isEqualTo("event: tick\n".length());
		assertThat(new String(frame.withId("5-0"))).isEqualTo("event: tick\nid: 5-0\ndata: 1\n\n");
	}

	@Test
	void rejectsAnEventWithAnId() {
		assertThatIllegalArgumentException().isThrownBy(() -> UnnumberedFrame.of(SseEvent.of("x").withId("1")))
			.withMessage("'id' must be null in an unnumbered frame");
	}

	@Test
	void rejectsAnOffsetOutsideTheFrame() {
		assertThatIllegalArgumentException().isThrownBy(() -> new UnnumberedFrame(new byte[] { '\n' }, 1))
			.withMessage("'idOffset' must be within the frame, was 1");
		assertThatIllegalArgumentException().isThrownBy(() -> new UnnumberedFrame(new byte[] { '\n' }, -1));
	}

}
