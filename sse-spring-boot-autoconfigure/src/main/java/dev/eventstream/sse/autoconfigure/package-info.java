/**
 * Auto-configuration of the SSE server and its properties.
 */
@NullMarked
package dev.eventstream.sse.autoconfigure;

import org.jspecify.annotations.NullMarked;
