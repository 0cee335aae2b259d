package dev.eventstream.sse.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.server.SseSource;
import dev.eventstream.sse.server.SseStream;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code sse} actuator endpoint: whether the server is open, its totals, each
 * connected source with its connections, last event id and queued frames, and each topic
 * with its connections on this instance. Read-only.
 *
 * @since 0.1.0
 */
@Endpoint(id = "sse")
public final class SseEndpoint {

	private final SseServer<?> server;

	/**
	 * Creates an endpoint for the given server.
	 * @param server the server
	 */
	public SseEndpoint(SseServer<?> server) {
		this.server = server;
	}

	/**
	 * Describes the server and its sources.
	 * @return a snapshot of the server
	 */
	@ReadOperation
	public SseServerDescriptor server() {
		List<SourceDescriptor> sources = new ArrayList<>();
		for (SseSource<?> source : this.server.sources()) {
			List<? extends SseStream<?>> streams = source.streams();
			int queued = 0;
			for (SseStream<?> stream : streams) {
				queued += stream.queuedFrames();
			}
			sources
				.add(new SourceDescriptor(String.valueOf(source.id()), streams.size(), source.lastEventId(), queued));
		}
		return new SseServerDescriptor(this.server.isRunning(), this.server.connectionCount(), this.server.size(),
				sources, this.server.topicConnections());
	}

	/**
	 * A snapshot of the server.
	 *
	 * @param open whether the server accepts connections and events
	 * @param connections the number of open connections
	 * @param sourceCount the number of connected sources
	 * @param sources each connected source
	 * @param topics the connections subscribed to each topic on this instance, by topic
	 * name
	 * @since 0.1.0
	 */
	public record SseServerDescriptor(boolean open, int connections, int sourceCount, List<SourceDescriptor> sources,
			Map<String, Integer> topics) implements OperationResponseBody {
	}

	/**
	 * A snapshot of one source.
	 *
	 * @param id the source id, as text
	 * @param connections the number of open connections
	 * @param lastEventId the last event id the source knows, or {@code null}
	 * @param queuedFrames the frames waiting over all its connections
	 * @since 0.1.0
	 */
	public record SourceDescriptor(String id, int connections, @Nullable String lastEventId, int queuedFrames) {
	}

}
