/**
 * The transport SPI: what a web framework implements to serve an
 * {@link dev.eventstream.sse.server.SseStream}, and the callbacks it makes.
 */
@NullMarked
package dev.eventstream.sse.server.transport;

import org.jspecify.annotations.NullMarked;
