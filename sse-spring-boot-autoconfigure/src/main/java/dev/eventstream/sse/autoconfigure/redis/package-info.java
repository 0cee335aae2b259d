/**
 * Auto-configuration of a cluster of SSE servers through Redis.
 */
@NullMarked
package dev.eventstream.sse.autoconfigure.redis;

import org.jspecify.annotations.NullMarked;
