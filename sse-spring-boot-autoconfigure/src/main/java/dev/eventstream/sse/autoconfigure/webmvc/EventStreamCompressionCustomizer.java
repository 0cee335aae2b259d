package dev.eventstream.sse.autoconfigure.webmvc;

import java.util.Arrays;
import java.util.Locale;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.web.server.AbstractConfigurableWebServerFactory;
import org.springframework.boot.web.server.Compression;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Keeps {@code text/event-stream} out of the web server's compressible types, for both
 * {@code Content-Encoding} and {@code TE} compression: a compressor holds events back
 * until a block fills. Runs after Spring Boot applied {@code server.compression.*}, and
 * warns when the application listed the type.
 */
final class EventStreamCompressionCustomizer
		implements WebServerFactoryCustomizer<AbstractConfigurableWebServerFactory>, Ordered {

	private static final Log logger = LogFactory.getLog(EventStreamCompressionCustomizer.class);

	@Override
	public void customize(AbstractConfigurableWebServerFactory factory) {
		Compression compression = factory.getCompression();
		if (compression == null || !compression.getEnabled()) {
			return;
		}
		String[] mimeTypes = withoutEventStream(compression.getMimeTypes());
		String[] additionalMimeTypes = withoutEventStream(compression.getAdditionalMimeTypes());
		if (mimeTypes != compression.getMimeTypes() || additionalMimeTypes != compression.getAdditionalMimeTypes()) {
			logger.warn("'server.compression.mime-types' lists text/event-stream, but event streams are never "
					+ "compressed: compression would hold events back until a block fills");
			compression.setMimeTypes(mimeTypes);
			compression.setAdditionalMimeTypes(additionalMimeTypes);
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	/** Returns the same array when it holds no event-stream type. */
	private static String[] withoutEventStream(String[] mimeTypes) {
		if (Arrays.stream(mimeTypes).noneMatch(EventStreamCompressionCustomizer::isEventStream)) {
			return mimeTypes;
		}
		return Arrays.stream(mimeTypes).filter((mimeType) -> !isEventStream(mimeType)).toArray(String[]::new);
	}

	private static boolean isEventStream(String mimeType) {
		return mimeType.trim().toLowerCase(Locale.ROOT).startsWith("text/event-stream");
	}

}
