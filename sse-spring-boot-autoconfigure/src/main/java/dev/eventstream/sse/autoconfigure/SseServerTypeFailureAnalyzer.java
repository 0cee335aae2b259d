package dev.eventstream.sse.autoconfigure;

import dev.eventstream.sse.server.SseServer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;

/**
 * Explains a start-up that failed because a component needs an {@link SseServer} for an
 * id type no server bean has: the auto-configured server has {@code String} source ids,
 * and a server for another id type is one bean more, built from the auto-configured
 * {@link SseServer.Builder}.
 */
final class SseServerTypeFailureAnalyzer extends AbstractFailureAnalyzer<NoSuchBeanDefinitionException>
		implements Ordered {

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause) {
		ResolvableType type = cause.getResolvableType();
		if (type == null || !SseServer.class.equals(type.resolve())) {
			return null;
		}
		Class<?> idType = type.getGeneric(0).resolve();
		if (idType == null) {
			return null;
		}
		String id = idType.getSimpleName();
		String description = "A component needs an SseServer<" + id + ">, and there is no server for " + id
				+ " source ids: the auto-configured SseServer has String ids (the id type of a request parameter, a"
				+ " path variable or a principal's name).";
		String action = "Declare a server for " + id + " ids, built from the auto-configured builder so that it"
				+ " takes the sse.* properties and customizers:\n\n" + "\t@Bean\n\tSseServer<" + id + "> "
				+ decapitalize(id) + "Events(SseServer.Builder<" + id
				+ "> builder) {\n\t\treturn builder.build();\n\t}\n\n"
				+ "An application that declares its own SseServer beans gets no auto-configured one: declare one per id"
				+ " type it uses, and mark one @Primary for the sse health indicator, metrics and endpoint.";
		return new FailureAnalysis(description, action, cause);
	}

	@Override
	public int getOrder() {
		// Before Spring Boot's general analysis of a missing bean.
		return Ordered.HIGHEST_PRECEDENCE;
	}

	private static String decapitalize(String name) {
		return Character.toLowerCase(name.charAt(0)) + name.substring(1);
	}

}
