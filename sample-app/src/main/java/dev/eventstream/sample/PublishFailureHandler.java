package dev.eventstream.sample;

import dev.eventstream.sse.server.ClusterUnavailableException;
import dev.eventstream.sse.server.ServerClosedException;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers a publish the server could not take with {@code 503} problem+json and
 * {@code Retry-After}, for every controller of the API.
 */
@RestControllerAdvice
class PublishFailureHandler {

	/**
	 * Clustered and Redis is down or hung: the event was not published, or, when the
	 * message says so, may still be; the client may try again.
	 */
	@ExceptionHandler(ClusterUnavailableException.class)
	ResponseEntity<ProblemDetail> clusterUnavailable(ClusterUnavailableException ex) {
		return unavailable(ex.getMessage());
	}

	/**
	 * A publish that raced the server's shutdown: nothing was published, and the client
	 * may try again (on another instance, or on this one once it is back).
	 */
	@ExceptionHandler(ServerClosedException.class)
	ResponseEntity<ProblemDetail> serverClosed(ServerClosedException ex) {
		return unavailable("The server is shutting down");
	}

	private static ResponseEntity<ProblemDetail> unavailable(@Nullable String detail) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, "1")
			.body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail));
	}

}
