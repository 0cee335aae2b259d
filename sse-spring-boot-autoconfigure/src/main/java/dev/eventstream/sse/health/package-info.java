/**
 * Actuator health of the SSE server.
 */
@NullMarked
package dev.eventstream.sse.health;

import org.jspecify.annotations.NullMarked;
