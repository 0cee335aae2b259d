package dev.eventstream.benchmarks.servlet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /events} opens a stream; {@code POST /events} encodes its body as one
 * {@code data:} frame once and hands it to every stream on the request's thread, as the
 * raw-NIO server's single thread does: no queue hand-off, no writer threads.
 */
final class EventsServlet extends HttpServlet {

	private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setContentType("text/event-stream");
		response.setCharacterEncoding("UTF-8");
		response.setHeader("Cache-Control", "no-cache");
		AsyncContext async = request.startAsync();
		async.setTimeout(0);
		EventStream stream = new EventStream(async, response.getOutputStream(), this.streams::remove);
		async.addListener(stream);
		this.streams.add(stream);
		response.getOutputStream().setWriteListener(stream);
	}

	int connections() {
		return this.streams.size();
	}

	@Override
	protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String data = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		byte[] frame = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
		for (EventStream stream : this.streams) {
			stream.send(frame);
		}
		response.setStatus(HttpServletResponse.SC_ACCEPTED);
	}

}
