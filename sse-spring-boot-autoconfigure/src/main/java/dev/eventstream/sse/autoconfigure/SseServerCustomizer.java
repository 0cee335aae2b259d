package dev.eventstream.sse.autoconfigure;

import dev.eventstream.sse.server.SseServer;

/**
 * Callback that customizes the auto-configured {@link SseServer} before it is built.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface SseServerCustomizer {

	/**
	 * Customizes the builder.
	 * @param builder the builder, already holding the values of {@link SseProperties}
	 */
	void customize(SseServer.Builder<Object> builder);

}
