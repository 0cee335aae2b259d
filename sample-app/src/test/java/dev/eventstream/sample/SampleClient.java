package dev.eventstream.sample;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client of the sample app's HTTP contract for tests, over {@link HttpClient} with
 * HTTP/1.1. Closes the streams it opened when it is closed.
 */
final class SampleClient implements AutoCloseable {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final URI base;

	private final List<EventStreamRecorder> recorders = new ArrayList<>();

	SampleClient(int port) {
		this.base = URI.create("http://localhost:" + port);
	}

	URI uri(String pathAndQuery) {
		return this.base.resolve(pathAndQuery);
	}

	/** Opens {@code /events?user=USER} with the given extra request headers. */
	EventStreamRecorder stream(String user, String... headers) {
		return record(EventStreamRecorder.open(this.client, uri("/events?user=" + query(user)), headers(headers)));
	}

	/**
	 * Opens {@code /events?user=USER&topic=T1&topic=T2...} with the given extra request
	 * headers.
	 */
	EventStreamRecorder stream(String user, List<String> topics, String... headers) {
		StringBuilder query = new StringBuilder("/events?user=").append(query(user));
		topics.forEach((topic) -> query.append("&topic=").append(query(topic)));
		return record(EventStreamRecorder.open(this.client, uri(query.toString()), headers(headers)));
	}

	/**
	 * Publishes an event to a topic, checks the {@code 202} answer and returns the event
	 * id it names.
	 */
	String publishToTopic(String topic, @Nullable String event, Object data) {
		return acceptedId(postJson("/topics/" + pathSegment(topic) + "/events", body(event, data)));
	}

	/** Returns the users present in a topic, as the presence endpoint lists them. */
	List<String> presence(String topic) {
		JsonNode body = getJson("/topics/" + pathSegment(topic) + "/presence");
		assertThat(body.get("topic").asString()).isEqualTo(topic);
		List<String> users = new ArrayList<>();
		body.get("users").forEach((user) -> users.add(user.asString()));
		return users;
	}

	/**
	 * Opens {@code /events?user=USER} without reading its body until
	 * {@link EventStreamRecorder#resume()}.
	 */
	EventStreamRecorder pausedStream(String user) {
		return record(EventStreamRecorder.openPaused(this.client, uri("/events?user=" + query(user)), Map.of()));
	}

	private EventStreamRecorder record(EventStreamRecorder recorder) {
		synchronized (this.recorders) {
			this.recorders.add(recorder);
		}
		return recorder;
	}

	/**
	 * Broadcasts an event, checks the {@code 202} answer and returns the event id it
	 * names.
	 */
	String broadcast(@Nullable String event, Object data) {
		return acceptedId(postJson("/events", body(event, data)));
	}

	/**
	 * Sends an event to one user, checks the {@code 202} answer and returns the event id
	 * it names.
	 */
	String sendTo(String user, @Nullable String event, Object data) {
		return acceptedId(postJson("/events/" + pathSegment(user), body(event, data)));
	}

	/** Broadcasts a marker event; see {@link EventStreamRecorder#closeAfter(String)}. */
	String broadcastMarker() {
		return broadcast("marker", "end");
	}

	HttpResponse<String> postJson(String path, String body) {
		return post(path, MediaType.APPLICATION_JSON_VALUE, body);
	}

	HttpResponse<String> post(String path, @Nullable String contentType, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
			.POST(BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		return send(request);
	}

	HttpResponse<String> get(String path, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
		headers(headers).forEach(request::header);
		return send(request);
	}

	JsonNode getJson(String path) {
		HttpResponse<String> response = get(path);
		assertThat(response.statusCode()).as("status of GET %s", path).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	/**
	 * Sends a request whose whole answer must arrive within the timeout: a stream that
	 * opens fails it.
	 */
	private HttpResponse<String> send(HttpRequest.Builder request) {
		HttpRequest built = request.timeout(ANSWER_TIMEOUT).build();
		try {
			return this.client.sendAsync(built, BodyHandlers.ofString(StandardCharsets.UTF_8))
				.get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(built.method() + " " + built.uri() + " failed", ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new AssertionError(built.method() + " " + built.uri() + " gave no complete answer within "
					+ ANSWER_TIMEOUT + " (a stream that opened?)");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		synchronized (this.recorders) {
			this.recorders.forEach(EventStreamRecorder::close);
			this.recorders.clear();
		}
	}

	/**
	 * Checks a {@code 202} answer: a JSON object with one string member, {@code id},
	 * which it returns.
	 */
	static String acceptedId(HttpResponse<String> response) {
		assertThat(response.statusCode()).as("status, body %s", response.body()).isEqualTo(202);
		assertThat(contentType(response)).isEqualTo(MediaType.APPLICATION_JSON);
		JsonNode body = JSON.readTree(response.body());
		assertThat(body.isObject()).as("body %s is an object", response.body()).isTrue();
		assertThat(body.propertyNames()).containsExactly("id");
		assertThat(body.get("id").isString()).as("id in %s is a JSON string", response.body()).isTrue();
		return body.get("id").asString();
	}

	/** Checks an {@code application/problem+json} answer with the given status. */
	static void assertProblem(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as("status, body %s", response.body()).isEqualTo(status);
		assertThat(contentType(response)).as("content type").isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		JsonNode body = JSON.readTree(response.body());
		assertThat(body.get("status").asInt()).isEqualTo(status);
	}

	/** The type and subtype of a response's content type, with no parameters. */
	static MediaType contentType(HttpResponse<?> response) {
		String value = response.headers().firstValue("Content-Type").orElseThrow();
		MediaType mediaType = MediaType.parseMediaType(value);
		return new MediaType(mediaType.getType(), mediaType.getSubtype());
	}

	static String body(@Nullable String event, Object data) {
		Map<String, Object> body = new LinkedHashMap<>();
		if (event != null) {
			body.put("event", event);
		}
		body.put("data", data);
		return JSON.writeValueAsString(body);
	}

	static String query(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	static String pathSegment(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	private static Map<String, String> headers(String... namesAndValues) {
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			headers.put(namesAndValues[i], namesAndValues[i + 1]);
		}
		return headers;
	}

}
