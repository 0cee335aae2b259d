/**
 * A cluster of SSE servers through a Redis Stream: every event is appended to the stream,
 * which assigns its id, and every server reads the stream back to deliver to its own
 * connections and to replay after a {@code Last-Event-ID}.
 */
@NullMarked
package dev.eventstream.sse.redis;

import org.jspecify.annotations.NullMarked;
