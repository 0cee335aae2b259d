/**
 * The Spring WebFlux baseline server.
 */
@NullMarked
package dev.eventstream.benchmarks.webflux;

import org.jspecify.annotations.NullMarked;
