package dev.eventstream.sse.autoconfigure.webmvc;

import java.util.List;

import dev.eventstream.sse.autoconfigure.SseAutoConfiguration;
import dev.eventstream.sse.webmvc.SseStreamReturnValueHandler;
import dev.eventstream.sse.webmvc.SseWebMvcConfigurer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

import static org.assertj.core.api.Assertions.assertThat;

class SseWebMvcAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DispatcherServletAutoConfiguration.class,
				WebMvcAutoConfiguration.class, SseAutoConfiguration.class, SseWebMvcAutoConfiguration.class));

	@Test
	void putsTheStreamHandlerFirstSoThatRestControllersReachIt() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(SseStreamReturnValueHandler.class)
				.hasSingleBean(SseWebMvcConfigurer.class);
			List<HandlerMethodReturnValueHandler> handlers = context.getBean(RequestMappingHandlerAdapter.class)
				.getReturnValueHandlers();
			assertThat(handlers).first().isSameAs(context.getBean(SseStreamReturnValueHandler.class));
		});
	}

	@Test
	void backsOffForUserHandler() {
		this.contextRunner.withUserConfiguration(UserHandlerConfiguration.class).run((context) -> {
			assertThat(context).getBean(SseStreamReturnValueHandler.class).isSameAs(context.getBean("myHandler"));
			assertThat(context.getBean(RequestMappingHandlerAdapter.class).getReturnValueHandlers()).first()
				.isSameAs(context.getBean("myHandler"));
		});
	}

	@Test
	void backsOffWithoutSpringMvc() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.web.servlet"))
			.run((context) -> assertThat(context).doesNotHaveBean(SseStreamReturnValueHandler.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserHandlerConfiguration {

		@Bean
		SseStreamReturnValueHandler myHandler() {
			return new SseStreamReturnValueHandler(null, List.of());
		}

	}

}
