package dev.eventstream.sample;

import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;

import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Jetty's settings for the contract, compiled in the {@code jetty} Maven profile.
 *
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
class JettyConfiguration {

	/**
	 * Lets a user id hold a slash or a percent sign in {@code POST /events/{user}}, as on
	 * Tomcat: Jetty accepts {@code %2F} and {@code %25} in a path (by default it answers
	 * 400 for an ambiguous path separator or encoding) and the servlet layer passes them
	 * on, so that Spring MVC decodes them inside the path variable. An encoded control
	 * character in a path ({@code POST /topics/a%01b/events}) reaches the application
	 * too, which answers {@code 400} problem+json as on Tomcat, rather than Jetty's own
	 * HTML page.
	 * @return the customizer
	 */
	@Bean
	WebServerFactoryCustomizer<JettyServletWebServerFactory> encodedSlashInUserIds() {
		UriCompliance compliance = UriCompliance.DEFAULT.with("encoded-user-ids",
				UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
				UriCompliance.Violation.ILLEGAL_PATH_CHARACTERS, UriCompliance.Violation.SUSPICIOUS_PATH_CHARACTERS);
		return (factory) -> factory.addServerCustomizers((server) -> {
			for (Connector connector : server.getConnectors()) {
				for (ConnectionFactory connectionFactory : connector.getConnectionFactories()) {
					if (connectionFactory instanceof HttpConfiguration.ConnectionFactory http) {
						http.getHttpConfiguration().setUriCompliance(compliance);
					}
				}
			}
			decodeAmbiguousUris(server);
		});
	}

	private static void decodeAmbiguousUris(Server server) {
		for (Handler handler : server.getDescendants(Handler.class)) {
			if (handler instanceof ServletContextHandler context) {
				context.getServletHandler().setDecodeAmbiguousURIs(true);
			}
		}
	}

}
