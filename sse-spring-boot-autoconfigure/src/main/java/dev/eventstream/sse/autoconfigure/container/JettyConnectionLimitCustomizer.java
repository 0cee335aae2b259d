package dev.eventstream.sse.autoconfigure.container;

import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Sets Jetty's connection limit (by default none, {@code server.jetty.max-connections})
 * to the {@link ConnectionCeiling}, unless the application set
 * {@code server.jetty.max-connections}. Runs just after Spring Boot's own Jetty
 * customizer, and before the application's customizers, which may replace the limit
 * again.
 */
final class JettyConnectionLimitCustomizer
		implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory>, Ordered {

	/** Just after Spring Boot's {@code JettyWebServerFactoryCustomizer} (order 0). */
	static final int ORDER = 1;

	static final String PROPERTY = "server.jetty.max-connections";

	private final ConnectionCeiling ceiling;

	private final Environment environment;

	JettyConnectionLimitCustomizer(ConnectionCeiling ceiling, Environment environment) {
		this.ceiling = ceiling;
		this.environment = environment;
	}

	@Override
	public void customize(ConfigurableJettyWebServerFactory factory) {
		if (Binder.get(this.environment).bind(PROPERTY, Integer.class).isBound()) {
			return;
		}
		factory.setMaxConnections(this.ceiling.containerLimit());
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/**
	 * Returns the connection limit of a running Jetty.
	 * @param webServer a running web server
	 * @return its limit (negative: none), or {@code null} when it is not Jetty
	 */
	static @Nullable Integer connectionLimit(WebServer webServer) {
		if (!(webServer instanceof JettyWebServer jetty)) {
			return null;
		}
		Server server = jetty.getServer();
		NetworkConnectionLimit networkLimit = server.getBean(NetworkConnectionLimit.class);
		if (networkLimit != null) {
			return networkLimit.getMaxNetworkConnectionCount();
		}
		@SuppressWarnings("removal")
		ConnectionLimit limit = server.getBean(ConnectionLimit.class);
		return (limit != null) ? limit.getMaxConnections() : -1;
	}

}
