package dev.eventstream.sse.autoconfigure.redis;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration properties for a cluster of SSE servers through Redis, used when
 * {@code sse.cluster.type=redis}.
 *
 * @param key Key of the Redis Stream that holds the events; keys of the sources'
 * locations start with it
 * @param timeout How long one Redis command of the cluster may take; a publish that waits
 * longer fails with ClusterUnavailableException, and the cluster counts as unavailable
 * until Redis answers again
 * @param presenceTtl How long the records of which sources an instance holds, and who it
 * holds in each topic, outlive the instance when it dies without withdrawing them;
 * renewed every third of it, and the same on every instance
 * @since 0.2.0
 */
@ConfigurationProperties("sse.cluster.redis")
public record SseRedisProperties(@DefaultValue("sse:events") String key, @DefaultValue("2s") Duration timeout,
		@DefaultValue("30s") Duration presenceTtl) {

	/**
	 * Checks every value.
	 * @throws IllegalArgumentException naming the property and the rule it breaks
	 */
	public SseRedisProperties {
		if (key.isBlank()) {
			throw new IllegalArgumentException("'sse.cluster.redis.key' must not be blank");
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("'sse.cluster.redis.timeout' must be positive");
		}
		if (presenceTtl.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException("'sse.cluster.redis.presence-ttl' must be at least 1s");
		}
	}

}
