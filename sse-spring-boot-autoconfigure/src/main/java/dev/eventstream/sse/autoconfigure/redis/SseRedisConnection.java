package dev.eventstream.sse.autoconfigure.redis;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ClassUtils;

/**
 * The connection factory the cluster uses. When the application's is a
 * {@link LettuceConnectionFactory}, the cluster gets one of its own with the same
 * connection settings, whose commands time out after {@code sse.cluster.redis.timeout}
 * and are rejected while disconnected, so that publishing fails fast while Redis hangs or
 * is down; the application's factory, and whatever else uses it, keep their own settings.
 * Any other factory is used as it is, with its own timeouts.
 */
final class SseRedisConnection implements DisposableBean {

	private static final boolean LETTUCE_PRESENT = ClassUtils.isPresent("io.lettuce.core.ClientOptions",
			SseRedisConnection.class.getClassLoader());

	private final RedisConnectionFactory connectionFactory;

	private final @Nullable Runnable release;

	SseRedisConnection(RedisConnectionFactory connectionFactory, @Nullable Runnable release) {
		this.connectionFactory = connectionFactory;
		this.release = release;
	}

	static SseRedisConnection of(RedisConnectionFactory application, Duration timeout) {
		if (LETTUCE_PRESENT && application instanceof LettuceConnectionFactory lettuce) {
			return FailFastLettuce.connection(lettuce, timeout);
		}
		return new SseRedisConnection(application, null);
	}

	RedisConnectionFactory connectionFactory() {
		return this.connectionFactory;
	}

	@Override
	public void destroy() {
		if (this.release != null) {
			this.release.run();
		}
	}

}
