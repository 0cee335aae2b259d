package dev.eventstream.sse.autoconfigure.webmvc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.util.DigestUtils;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Auto-configuration of the browser client: serves {@code sse-client.js}, the module that
 * exports {@code SharedEventSource}, at {@code /sse/sse-client.js} unless
 * {@code sse.client-script.enabled} is {@code false}.
 * <p>
 * The script lives outside {@code META-INF/resources}, so that nothing serves it when it
 * is disabled. Its URL carries no version, so it is served with
 * {@code Cache-Control: no-cache} and an {@code ETag} of its content: browsers revalidate
 * it (a {@code 304} when unchanged) and pick up a new version of the starter at once,
 * which keeps a page's module and its shared worker alike.
 *
 * @since 0.2.0
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass(WebMvcConfigurer.class)
@ConditionalOnBooleanProperty(name = "sse.client-script.enabled", matchIfMissing = true)
public final class SseClientScriptAutoConfiguration {

	static final String PATH_PATTERN = "/sse/{script:sse-client\\.js}";

	static final String LOCATION = "classpath:/META-INF/sse-client/";

	SseClientScriptAutoConfiguration() {
	}

	@Bean
	static WebMvcConfigurer sseClientScriptConfigurer() {
		return new WebMvcConfigurer() {

			private volatile @Nullable String etag;

			@Override
			public void addResourceHandlers(ResourceHandlerRegistry registry) {
				registry.addResourceHandler(PATH_PATTERN)
					.addResourceLocations(LOCATION)
					.setCacheControl(CacheControl.noCache())
					.setEtagGenerator(this::etag);
			}

			private String etag(Resource resource) {
				String etag = this.etag;
				if (etag == null) {
					try (InputStream content = resource.getInputStream()) {
						etag = "\"" + DigestUtils.md5DigestAsHex(content) + "\"";
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
					this.etag = etag;
				}
				return etag;
			}

		};
	}

}
