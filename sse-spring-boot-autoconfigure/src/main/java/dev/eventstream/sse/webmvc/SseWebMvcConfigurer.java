package dev.eventstream.sse.webmvc;

import java.util.List;

import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver;

/**
 * Spring MVC configuration of stream endpoints: their request parameters are checked
 * before a controller method runs (undecodable ones answer {@code 400}), and the errors
 * the transport answers before a stream starts are logged at {@code DEBUG} rather than as
 * warnings.
 *
 * @since 0.2.0
 */
public final class SseWebMvcConfigurer implements WebMvcConfigurer {

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(new StreamRequestInterceptor());
	}

	@Override
	public void extendHandlerExceptionResolvers(List<HandlerExceptionResolver> resolvers) {
		int index = resolvers.size();
		for (int i = 0; i < resolvers.size(); i++) {
			if (resolvers.get(i) instanceof DefaultHandlerExceptionResolver) {
				index = i;
				break;
			}
		}
		resolvers.add(index, new StreamRequestExceptionResolver());
	}

}
