/**
 * The raw-NIO server that marks the practical limit of a broadcast on this machine.
 */
@NullMarked
package dev.eventstream.benchmarks.raw;

import org.jspecify.annotations.NullMarked;
