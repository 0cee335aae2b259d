/**
 * Auto-configuration of the SSE actuator endpoint.
 */
@NullMarked
package dev.eventstream.sse.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
