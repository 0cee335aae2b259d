/**
 * The benchmark server built on the starter.
 */
@NullMarked
package dev.eventstream.benchmarks.starter;

import org.jspecify.annotations.NullMarked;
