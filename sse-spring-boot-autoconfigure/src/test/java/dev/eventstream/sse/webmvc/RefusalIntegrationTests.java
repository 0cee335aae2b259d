package dev.eventstream.sse.webmvc;

import java.io.IOException;
import java.time.Duration;

import dev.eventstream.sse.server.SseServer;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream requests refused on a real server, without problem details (where Spring MVC
 * would log each error it resolves as a warning): each refusal keeps its status and
 * {@code Retry-After}, is counted in {@code sse.connections.refused} and logged at
 * {@code DEBUG} only. A request whose filter chain does not support async cannot stream:
 * it is answered {@code 500}, registers nothing, and the misconfiguration is logged once.
 */
@SpringBootTest(classes = { TestApplication.class, RefusalIntegrationTests.NonAsyncFilterConfiguration.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.max-connections-per-source=1", "sse.retry=1500ms", "sse.keep-alive=500ms" })
@ExtendWith(OutputCaptureExtension.class)
class RefusalIntegrationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@Autowired
	private MeterRegistry registry;

	@RegisterExtension
	final LoopbackClient client = new LoopbackClient();

	@Test
	void refusalsAreCountedAndNotLoggedAsWarnings(CapturedOutput output) {
		int logged = output.length();
		double perSourceBefore = refused("max-connections-per-source");
		double kickedBefore = refused("kicked");
		LoopbackClient.Stream open = this.client.open("/rest/events?user=storm");
		assertThat(open.awaitStarted()).isEqualTo(200);
		for (int i = 0; i < 20; i++) {
			RawHttp.Response refused = RawHttp.exchange(this.port, "GET", "/rest/events?user=storm",
					"Accept: text/event-stream");
			assertThat(refused.status()).isEqualTo(429);
			assertThat(refused.header("Retry-After")).isEqualTo("2");
		}
		this.server.kick("kicked", Duration.ofMinutes(1));
		for (int i = 0; i < 5; i++) {
			assertThat(RawHttp.exchange(this.port, "GET", "/rest/events?user=kicked", "Accept: text/event-stream")
				.status()).isEqualTo(204);
		}
		assertThat(refused("max-connections-per-source")).isEqualTo(perSourceBefore + 20);
		assertThat(refused("kicked")).isEqualTo(kickedBefore + 5);
		assertThat(this.server.connectionCount()).isOne();
		QuietLog.assertQuiet(output, logged);
	}

	@Test
	void chainWithoutAsyncSupportIsAnsweredWithServerErrorAndLeaksNothing(CapturedOutput output) {
		int logged = output.length();
		for (int i = 0; i < 20; i++) {
			RawHttp.Response response = RawHttp.exchange(this.port, "GET", "/mvc/events?user=sync",
					"Accept: text/event-stream");
			assertThat(response.status()).isEqualTo(500);
		}
		assertThat(this.server.connectionCount()).isZero();
		assertThat(this.server.get("sync")).isEmpty();
		// Not locked out by the per-source limit of 1: the same user streams where async
		// is supported.
		LoopbackClient.Stream stream = this.client.open("/rest/events?user=sync");
		assertThat(stream.awaitStarted()).isEqualTo(200);
		String log = output.toString().substring(logged);
		assertThat(log.split(" WARN ", -1)).hasSize(2);
		assertThat(log).contains("does not support async").doesNotContain(" ERROR ").doesNotContain("\tat ");
	}

	private double refused(String reason) {
		return this.registry.get("sse.connections.refused").tag("reason", reason).counter().count();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class NonAsyncFilterConfiguration {

		@Bean
		FilterRegistrationBean<Filter> nonAsyncFilter() {
			FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(new PassThroughFilter());
			registration.addUrlPatterns("/mvc/events");
			registration.setAsyncSupported(false);
			return registration;
		}

	}

	/** An ordinary filter that was never declared to support async requests. */
	static final class PassThroughFilter implements Filter {

		@Override
		public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
				throws IOException, ServletException {
			chain.doFilter(request, response);
		}

	}

}
