/**
 * The loopback load harness: servers under test as processes, the NIO load generator, and
 * the reports.
 */
@NullMarked
package dev.eventstream.benchmarks.load;

import org.jspecify.annotations.NullMarked;
