package dev.eventstream.sse.autoconfigure.container;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.function.Function;
import java.util.function.LongSupplier;

import com.sun.management.UnixOperatingSystemMXBean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Checks, once the web server started, that its connection limit lets the SSE limit
 * answer first, and that the process may open a file for every connection the server may
 * hold; warns once otherwise. It reads the limit from the running server, so it sees what
 * the application set, by property or customizer.
 */
final class ConnectionLimitCheck implements ApplicationListener<WebServerInitializedEvent> {

	private static final Log logger = LogFactory.getLog(ConnectionLimitCheck.class);

	private final ConnectionCeiling ceiling;

	private final String container;

	private final String property;

	private final Function<WebServer, @Nullable Integer> connectionLimit;

	private final LongSupplier maxFileDescriptors;

	/**
	 * Creates a check of one kind of web server.
	 * @param ceiling the connections the web server should hold
	 * @param container the name of the web server, for messages
	 * @param property the property that sets its connection limit
	 * @param connectionLimit reads the limit of a running server of this kind (negative:
	 * none), or returns {@code null} for any other web server
	 * @param maxFileDescriptors the files the process may open, negative when unknown
	 */
	ConnectionLimitCheck(ConnectionCeiling ceiling, String container, String property,
			Function<WebServer, @Nullable Integer> connectionLimit, LongSupplier maxFileDescriptors) {
		this.ceiling = ceiling;
		this.container = container;
		this.property = property;
		this.connectionLimit = connectionLimit;
		this.maxFileDescriptors = maxFileDescriptors;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() != null) {
			// A management server on its own port holds no streams.
			return;
		}
		Integer limit = this.connectionLimit.apply(event.getWebServer());
		if (limit != null) {
			check(limit);
		}
	}

	void check(int limit) {
		int streams = this.ceiling.streams();
		if (!this.ceiling.fits(limit)) {
			logger.warn(this.container + " accepts at most " + limit + " connections ('" + this.property
					+ "'), not more than the " + streams + " streams of 'sse.max-connections': the web server "
					+ "stops accepting connections, health checks and publishing requests included, before a new "
					+ "stream is refused with 503. Set '" + this.property + "' to at least "
					+ this.ceiling.containerLimit() + " (the streams plus " + this.ceiling.headroom()
					+ " for other requests, what the starter sets when the property is not set), or lower "
					+ "'sse.max-connections'.");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(this.container + " accepts " + ((limit < 0) ? "any number of" : "at most " + limit)
					+ " connections, for at most " + streams + " streams");
		}
		long files = this.maxFileDescriptors.getAsLong();
		int needed = this.ceiling.containerLimit();
		if (files >= 0 && files < needed) {
			logger.warn("The process may open at most " + files + " files, fewer than the " + needed
					+ " connections the web server should hold (the " + streams + " streams of 'sse.max-connections' "
					+ "plus " + this.ceiling.headroom() + " for other requests): past it, accepting a connection "
					+ "fails with 'Too many open files'. Raise the limit (ulimit -n, LimitNOFILE in systemd, "
					+ "--ulimit nofile in Docker) or lower 'sse.max-connections'.");
		}
	}

	/**
	 * Returns how many files this process may open.
	 * @return the limit, or -1 when the platform does not tell
	 */
	static long maxFileDescriptorCount() {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		return (os instanceof UnixOperatingSystemMXBean unix) ? unix.getMaxFileDescriptorCount() : -1;
	}

}
