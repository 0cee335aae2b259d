package dev.eventstream.sse.autoconfigure.health;

import dev.eventstream.sse.autoconfigure.SseAutoConfiguration;
import dev.eventstream.sse.health.SseHealthIndicator;
import dev.eventstream.sse.server.SseServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code sse} health indicator, when Spring Boot's health
 * support is present.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = SseAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnSingleCandidate(SseServer.class)
public final class SseHealthContributorAutoConfiguration {

	SseHealthContributorAutoConfiguration() {
	}

	@Bean
	@ConditionalOnEnabledHealthIndicator("sse")
	@ConditionalOnMissingBean(name = "sseHealthIndicator")
	SseHealthIndicator sseHealthIndicator(SseServer<?> server) {
		return new SseHealthIndicator(server);
	}

}
