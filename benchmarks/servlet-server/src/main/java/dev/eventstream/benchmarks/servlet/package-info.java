/**
 * The hand-written non-blocking Servlet baseline server: what the container itself costs
 * per event.
 */
@NullMarked
package dev.eventstream.benchmarks.servlet;

import org.jspecify.annotations.NullMarked;
