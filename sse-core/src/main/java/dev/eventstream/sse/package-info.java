/**
 * The Server-Sent Events wire format: the event value, its encoder and an incremental
 * parser.
 */
@NullMarked
package dev.eventstream.sse;

import org.jspecify.annotations.NullMarked;
