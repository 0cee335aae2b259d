package dev.eventstream.sse.autoconfigure.webmvc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.eventstream.sse.autoconfigure.SseAutoConfiguration;
import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.webmvc.SseErrorDispatchFilter;
import dev.eventstream.sse.webmvc.SseStreamReturnValueHandler;
import jakarta.servlet.DispatcherType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Auto-configuration of the Spring MVC transport: controller methods that return an
 * {@link dev.eventstream.sse.server.SseStream} stream it, and open streams close before the web server
 * shuts down.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = SseAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBean(SseServer.class)
public final class SseWebMvcAutoConfiguration {

	private static final Log logger = LogFactory.getLog(SseWebMvcAutoConfiguration.class);

	SseWebMvcAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	static SseStreamReturnValueHandler sseStreamReturnValueHandler(Environment environment) {
		boolean compression = environment.getProperty("server.compression.enabled", Boolean.class, false);
		if (compression) {
			warnIfEventStreamListed(environment);
		}
		return new SseStreamReturnValueHandler(compression);
	}

	/**
	 * Puts the handler first: handlers added through {@code WebMvcConfigurer} run after the
	 * {@code @ResponseBody} handler, which a {@code @RestController} method would reach first.
	 */
	@Bean
	static BeanPostProcessor sseStreamReturnValueHandlerRegistrar(
			ObjectProvider<SseStreamReturnValueHandler> handler) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof RequestMappingHandlerAdapter adapter) {
					List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>();
					handlers.add(handler.getObject());
					List<HandlerMethodReturnValueHandler> existing = adapter.getReturnValueHandlers();
					if (existing != null) {
						handlers.addAll(existing);
					}
					adapter.setReturnValueHandlers(handlers);
				}
				return bean;
			}

		};
	}

	@Bean
	@ConditionalOnMissingBean(name = "sseErrorDispatchFilter")
	FilterRegistrationBean<SseErrorDispatchFilter> sseErrorDispatchFilter() {
		FilterRegistrationBean<SseErrorDispatchFilter> registration = new FilterRegistrationBean<>(
				new SseErrorDispatchFilter());
		registration.setDispatcherTypes(DispatcherType.ERROR);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean
	SseServerLifecycle sseServerLifecycle(SseServer<?> server) {
		return new SseServerLifecycle(server);
	}

	private static void warnIfEventStreamListed(Environment environment) {
		String[] mimeTypes = environment.getProperty("server.compression.mime-types", String[].class);
		if (mimeTypes != null) {
			for (String mimeType : mimeTypes) {
				if (mimeType.trim().toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
					logger.warn("'server.compression.mime-types' lists text/event-stream, but event streams are "
							+ "never compressed: compression would hold events back until a block fills");
				}
			}
		}
	}

}
