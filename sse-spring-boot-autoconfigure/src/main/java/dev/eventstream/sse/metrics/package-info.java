/**
 * Micrometer meters of the SSE server.
 */
@NullMarked
package dev.eventstream.sse.metrics;

import org.jspecify.annotations.NullMarked;
