/**
 * The Spring MVC {@code SseEmitter} baseline server.
 */
@NullMarked
package dev.eventstream.benchmarks.mvc;

import org.jspecify.annotations.NullMarked;
