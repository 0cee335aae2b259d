package dev.eventstream.sse.server;

import java.util.List;

/**
 * Thrown by a per-source send when the payload of some sources could not be computed or
 * marshalled. Every other source received the event; the failures are attached as
 * suppressed exceptions.
 *
 * @since 0.1.0
 */
public final class MarshallingException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String eventId;

	private final transient List<Object> failedSources;

	MarshallingException(String eventId, List<Object> failedSources, List<RuntimeException> causes) {
		super("Payload of event '" + eventId + "' failed for " + failedSources.size() + " source(s)", causes.get(0));
		this.eventId = eventId;
		this.failedSources = List.copyOf(failedSources);
		causes.stream().skip(1).forEach(this::addSuppressed);
	}

	/**
	 * Returns the id of the event the other sources received.
	 * @return the event id
	 */
	public String eventId() {
		return this.eventId;
	}

	/**
	 * Returns the ids of the sources that did not receive the event.
	 * @return the failed source ids
	 */
	public List<Object> failedSources() {
		return this.failedSources;
	}

}
