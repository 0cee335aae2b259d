/**
 * The sample application: a live demo page and the HTTP API of the project's contract.
 */
@NullMarked
package dev.eventstream.sample;

import org.jspecify.annotations.NullMarked;
