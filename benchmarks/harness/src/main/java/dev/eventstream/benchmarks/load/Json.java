package dev.eventstream.benchmarks.load;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;

/**
 * Writes records, collections, strings, numbers and booleans as JSON; enough for the
 * results and no dependency.
 */
final class Json {

	private Json() {
	}

	static String write(Object value) {
		StringBuilder out = new StringBuilder();
		write(value, out, "");
		return out.append('\n').toString();
	}

	private static void write(Object value, StringBuilder out, String indent) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof String text) {
			string(text, out);
		}
		else if (value instanceof Double number) {
			out.append((number.isNaN() || number.isInfinite()) ? "null"
					: Double.toString(Math.round(number * 1000) / 1000.0));
		}
		else if (value instanceof Number || value instanceof Boolean) {
			out.append(value);
		}
		else if (value instanceof Collection<?> items) {
			out.append('[');
			String inner = indent + "  ";
			boolean first = true;
			for (Object item : items) {
				out.append(first ? "\n" : ",\n").append(inner);
				write(item, out, inner);
				first = false;
			}
			out.append(first ? "]" : "\n" + indent + "]");
		}
		else if (value instanceof Record record) {
			out.append('{');
			String inner = indent + "  ";
			boolean first = true;
			for (RecordComponent component : record.getClass().getRecordComponents()) {
				out.append(first ? "\n" : ",\n").append(inner);
				string(component.getName(), out);
				out.append(": ");
				write(get(component, record), out, inner);
				first = false;
			}
			out.append('\n').append(indent).append('}');
		}
		else {
			string(value.toString(), out);
		}
	}

	private static Object get(RecordComponent component, Record record) {
		try {
			component.getAccessor().setAccessible(true);
			return component.getAccessor().invoke(record);
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException("Cannot read " + component, ex);
		}
	}

	private static void string(String text, StringBuilder out) {
		out.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				out.append('\\').append(c);
			}
			else if (c < 0x20) {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		out.append('"');
	}

}
