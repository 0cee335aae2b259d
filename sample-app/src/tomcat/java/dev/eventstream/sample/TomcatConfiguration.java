package dev.eventstream.sample;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat's settings for the contract, compiled in the default build (the {@code tomcat}
 * Maven profile).
 *
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
class TomcatConfiguration {

	/**
	 * Lets a user id hold a slash in {@code POST /events/{user}}: Tomcat passes
	 * {@code %2F} through and Spring MVC decodes it inside the path variable, as it does
	 * for every other character.
	 * @return the customizer
	 */
	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> encodedSlashInUserIds() {
		return (factory) -> factory
			.addConnectorCustomizers((connector) -> connector.setEncodedSolidusHandling("passthrough"));
	}

}
