package dev.eventstream.sse.autoconfigure.webmvc;

import java.util.ArrayList;
import java.util.List;

import dev.eventstream.sse.autoconfigure.SseAutoConfiguration;
import dev.eventstream.sse.autoconfigure.SseProperties;
import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.webmvc.SseStreamReturnValueHandler;
import dev.eventstream.sse.webmvc.SseWebMvcConfigurer;
import dev.eventstream.sse.webmvc.StreamRefusalListener;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Auto-configuration of the Spring MVC transport: controller methods that return an
 * {@link dev.eventstream.sse.server.SseStream} stream it, what is answered before a
 * stream starts is logged at {@code DEBUG}, and streams are never compressed.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = SseAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBean(SseServer.class)
public final class SseWebMvcAutoConfiguration {

	SseWebMvcAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	SseStreamReturnValueHandler sseStreamReturnValueHandler(SseProperties properties,
			ObjectProvider<StreamRefusalListener> refusalListeners) {
		String parameter = properties.lastEventIdParameter();
		return new SseStreamReturnValueHandler(parameter.isBlank() ? null : parameter,
				refusalListeners.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	SseWebMvcConfigurer sseWebMvcConfigurer() {
		return new SseWebMvcConfigurer();
	}

	/**
	 * Puts the handler first: handlers added through {@code WebMvcConfigurer} run after
	 * the {@code @ResponseBody} handler, which a {@code @RestController} method would
	 * reach first.
	 */
	@Bean
	static BeanPostProcessor sseStreamReturnValueHandlerRegistrar(ObjectProvider<SseStreamReturnValueHandler> handler) {
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
	static EventStreamCompressionCustomizer sseEventStreamCompressionCustomizer() {
		return new EventStreamCompressionCustomizer();
	}

}
