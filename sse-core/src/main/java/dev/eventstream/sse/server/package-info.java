/**
 * The server side of Server-Sent Events: a registry of sources keyed by an application
 * id, with broadcasting, replay from history, keep-alive and the seam a transport
 * implements.
 */
@NullMarked
package dev.eventstream.sse.server;

import org.jspecify.annotations.NullMarked;
