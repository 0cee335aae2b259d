/**
 * Auto-configuration of the SSE health indicator.
 */
@NullMarked
package dev.eventstream.sse.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
