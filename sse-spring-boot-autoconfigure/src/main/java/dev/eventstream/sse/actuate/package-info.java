/**
 * Actuator endpoint of the SSE server.
 */
@NullMarked
package dev.eventstream.sse.actuate;

import org.jspecify.annotations.NullMarked;
