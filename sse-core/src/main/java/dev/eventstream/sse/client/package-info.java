/**
 * The client side of Server-Sent Events: an {@code EventSource} on
 * {@code java.net.http.HttpClient}.
 */
@NullMarked
package dev.eventstream.sse.client;

import org.jspecify.annotations.NullMarked;
