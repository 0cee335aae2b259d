package dev.eventstream.sse.webmvc;

import java.lang.reflect.Method;
import java.util.Optional;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs, in the {@code jetty} test run, only the tests listed in the
 * {@code sse.test.jetty-tests} system property: simple class names, each optionally
 * followed by {@code #} and method name patterns joined by {@code +}
 * ({@code ShutdownIntegrationTests#endsEvery*+refusesNew*}). Every other test is skipped
 * there, also when {@code -Dtest} names it; outside the Jetty run, nothing is skipped.
 * Registered through extension auto-detection, which only the Jetty run enables.
 */
public final class JettyTestRunCondition implements ExecutionCondition {

	static final String TESTS = "sse.test.jetty-tests";

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		String tests = System.getProperty(TESTS);
		if (tests == null) {
			return ConditionEvaluationResult.enabled("not the Jetty test run");
		}
		Optional<Class<?>> testClass = context.getTestClass();
		if (testClass.isEmpty()) {
			return ConditionEvaluationResult.enabled("no test class");
		}
		Class<?> topLevel = testClass.get();
		while (topLevel.getEnclosingClass() != null) {
			topLevel = topLevel.getEnclosingClass();
		}
		Optional<Method> method = context.getTestMethod();
		for (String entry : tests.split(",")) {
			String[] parts = entry.trim().split("#", 2);
			if (parts[0].equals(topLevel.getSimpleName())
					&& (parts.length == 1 || method.isEmpty() || matches(method.get().getName(), parts[1]))) {
				return ConditionEvaluationResult.enabled("listed in " + TESTS);
			}
		}
		return ConditionEvaluationResult.disabled("Tomcat only: not listed in " + TESTS);
	}

	private static boolean matches(String methodName, String patterns) {
		for (String pattern : patterns.split("\\+")) {
			if (pattern.endsWith("*") ? methodName.startsWith(pattern.substring(0, pattern.length() - 1))
					: methodName.equals(pattern)) {
				return true;
			}
		}
		return false;
	}

}
