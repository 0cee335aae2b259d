package dev.eventstream.sse.autoconfigure.container;

import org.apache.coyote.AbstractProtocol;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Sets Tomcat's connection limit (by default 8192, {@code server.tomcat.max-connections})
 * to the {@link ConnectionCeiling}, unless the application set
 * {@code server.tomcat.max-connections}. Runs just after Spring Boot's own Tomcat
 * customizer, whose limit it replaces, and before the application's customizers, which
 * may replace it again.
 */
final class TomcatConnectionLimitCustomizer
		implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

	/** Just after Spring Boot's {@code TomcatWebServerFactoryCustomizer} (order 0). */
	static final int ORDER = 1;

	static final String PROPERTY = "server.tomcat.max-connections";

	private final ConnectionCeiling ceiling;

	private final Environment environment;

	TomcatConnectionLimitCustomizer(ConnectionCeiling ceiling, Environment environment) {
		this.ceiling = ceiling;
		this.environment = environment;
	}

	@Override
	public void customize(ConfigurableTomcatWebServerFactory factory) {
		if (Binder.get(this.environment).bind(PROPERTY, Integer.class).isBound()) {
			return;
		}
		int limit = this.ceiling.containerLimit();
		factory.addConnectorCustomizers((connector) -> {
			if (connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
				protocol.setMaxConnections(limit);
			}
		});
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/**
	 * Returns the connection limit of a running Tomcat.
	 * @param webServer a running web server
	 * @return its limit (negative: none), or {@code null} when it is not Tomcat
	 */
	static @Nullable Integer connectionLimit(WebServer webServer) {
		if (webServer instanceof TomcatWebServer tomcat
				&& tomcat.getTomcat().getConnector().getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
			return protocol.getMaxConnections();
		}
		return null;
	}

}
