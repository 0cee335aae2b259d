/**
 * JMH benchmarks of the hot path: encoding, fan-out and parsing.
 */
@NullMarked
package dev.eventstream.benchmarks.jmh;

import org.jspecify.annotations.NullMarked;
