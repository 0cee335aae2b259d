/**
 * Auto-configuration of the SSE meters.
 */
@NullMarked
package dev.eventstream.sse.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
