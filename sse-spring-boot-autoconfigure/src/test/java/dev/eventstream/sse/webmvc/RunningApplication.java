package dev.eventstream.sse.webmvc;

import java.util.ArrayList;
import java.util.List;

import dev.eventstream.sse.server.SseServer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A {@link TestApplication} of its own on a random port, for properties that differ from
 * a test context's, or for several servers at once.
 */
record RunningApplication(ConfigurableApplicationContext context, SseServer<String> server,
		int port) implements AutoCloseable {

	@SuppressWarnings("unchecked")
	static RunningApplication start(String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "sse.keep-alive=500ms"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.properties(all.toArray(String[]::new))
			.run();
		return new RunningApplication(context, context.getBean(SseServer.class),
				context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
	}

	@Override
	public void close() {
		this.context.close();
	}

}
