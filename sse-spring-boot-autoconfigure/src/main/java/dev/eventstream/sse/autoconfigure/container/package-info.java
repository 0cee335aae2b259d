/**
 * Auto-configuration of the web server's connection limit for the streams it holds.
 */
@NullMarked
package dev.eventstream.sse.autoconfigure.container;

import org.jspecify.annotations.NullMarked;
