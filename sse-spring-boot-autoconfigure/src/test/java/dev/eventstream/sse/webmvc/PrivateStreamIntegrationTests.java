package dev.eventstream.sse.webmvc;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.Base64;

import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.server.SseStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Private streams behind Spring Security: the source id is the authenticated user's name,
 * never a request parameter, so a user only ever receives their own events.
 */
@SpringBootTest(classes = PrivateStreamIntegrationTests.SecuredApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sse.keep-alive=500ms")
class PrivateStreamIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@RegisterExtension
	final OpenRecorders recorders = new OpenRecorders();

	@Test
	void userReceivesEventsSentToTheirName() {
		EventStreamRecorder alice = connect("/private/events", "alice");
		assertThat(alice.response().statusCode()).isEqualTo(200);
		await().atMost(WAIT).until(() -> this.server.get("alice").isPresent());
		assertThat(this.server.newEvent("note").sendTo("alice", "for alice")).isPresent();
		await().atMost(WAIT).until(() -> alice.eventCount() == 1);
		assertThat(alice.data()).containsExactly("for alice");
	}

	@Test
	void requestParametersCannotOpenAnotherUsersStream() {
		EventStreamRecorder bob = connect("/private/events", "bob");
		EventStreamRecorder byUser = connect("/private/events?user=bob", "alice");
		EventStreamRecorder byId = connect("/private/events?id=bob&sourceId=bob&principal=bob", "alice");
		EventStreamRecorder byHeader = connect("/private/events", "alice", "X-User", "bob");
		assertThat(byUser.response().statusCode()).isEqualTo(200);
		assertThat(byId.response().statusCode()).isEqualTo(200);
		assertThat(byHeader.response().statusCode()).isEqualTo(200);
		await().atMost(WAIT).until(() -> this.server.connectionCount() == 4);
		assertThat(this.server.get("bob").orElseThrow().connectionCount()).isEqualTo(1);
		assertThat(this.server.get("alice").orElseThrow().connectionCount()).isEqualTo(3);
		this.server.newEvent("note").sendTo("bob", "for bob");
		this.server.newEvent("note").sendTo("alice", "for alice");
		await().atMost(WAIT)
			.until(() -> bob.eventCount() == 1 && byUser.eventCount() == 1 && byId.eventCount() == 1
					&& byHeader.eventCount() == 1);
		assertThat(bob.data()).containsExactly("for bob");
		assertThat(byUser.data()).containsExactly("for alice");
		assertThat(byId.data()).containsExactly("for alice");
		assertThat(byHeader.data()).containsExactly("for alice");
	}

	@Test
	void pathTricksDoNotReachAnotherUsersStream() throws Exception {
		for (String path : new String[] { "/private/events/bob", "/private/events;user=bob", "/private/events/..;/bob",
				"/private/events%2Fbob" }) {
			HttpResponse<String> response = get(path, "Authorization", basic("alice"));
			assertThat(response.statusCode()).as(path).isNotEqualTo(200);
		}
		assertThat(this.server.get("bob")).isEmpty();
		assertThat(this.server.connectionCount()).isZero();
	}

	@Test
	void unauthenticatedRequestIsAnswered401AndRegistersNothing() throws Exception {
		HttpResponse<String> anonymous = get("/private/events?user=alice");
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((value) -> assertThat(value).startsWith("Basic"));
		HttpResponse<String> wrongPassword = get("/private/events", "Authorization",
				"Basic " + Base64.getEncoder().encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8)));
		assertThat(wrongPassword.statusCode()).isEqualTo(401);
		assertThat(this.server.connectionCount()).isZero();
		assertThat(this.server.sources()).isEmpty();
	}

	private EventStreamRecorder connect(String path, String user, String... headers) {
		String[] all = new String[headers.length + 4];
		all[0] = "Accept";
		all[1] = "text/event-stream";
		all[2] = "Authorization";
		all[3] = basic(user);
		System.arraycopy(headers, 0, all, 4, headers.length);
		return this.recorders.open(uri(path), all);
	}

	private HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
			.header("Accept", "text/event-stream")
			.timeout(WAIT);
		if (headers.length > 0) {
			request.headers(headers);
		}
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	private static String basic(String user) {
		return "Basic "
				+ Base64.getEncoder().encodeToString((user + ":" + user + "-secret").getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * An application whose stream is private: HTTP Basic, two in-memory users.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableWebSecurity
	@Import(PrivateController.class)
	static class SecuredApplication {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("alice").password("{noop}alice-secret").roles("USER").build(),
					User.withUsername("bob").password("{noop}bob-secret").roles("USER").build());
		}

	}

	@RestController
	static class PrivateController {

		private final SseServer<String> server;

		PrivateController(SseServer<String> server) {
			this.server = server;
		}

		@GetMapping("/private/events")
		SseStream<String> events(Principal principal,
				@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) {
			return this.server.connect(principal.getName(), lastEventId);
		}

	}

}
