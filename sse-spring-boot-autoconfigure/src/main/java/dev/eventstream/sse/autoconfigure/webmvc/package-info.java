/**
 * Auto-configuration of the Spring MVC transport.
 */
@NullMarked
package dev.eventstream.sse.autoconfigure.webmvc;

import org.jspecify.annotations.NullMarked;
