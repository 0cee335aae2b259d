package dev.eventstream.sample;

import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import dev.eventstream.sse.server.SseSource;
import dev.eventstream.sse.server.SseStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter's browser client, {@code /sse/sse-client.js}, driven through the demo page
 * in tabs of one headless Chromium over plain HTTP/1.1: tabs share one connection,
 * through the SharedWorker ({@code worker}) and through the leader tab that browsers
 * without SharedWorker elect ({@code broadcast}, forced by deleting
 * {@code window.SharedWorker} before the page runs); a tab that holds the connection goes
 * away, and a tab comes back, without losing or repeating an event. Without the module,
 * plain {@code EventSource}s stall at the browser's sixth connection. A short keep-alive
 * makes the server notice a closed tab's connection within a second or two, and a short
 * retry makes reconnections take a second.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "sse.keep-alive=1s", "sse.retry=1s" })
class SharedEventSourceBrowserIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static ChromeDriver browser;

	private static Path profile;

	private static String home;

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@BeforeAll
	static void startBrowser() throws IOException {
		profile = Files.createTempDirectory("chromium-profile-");
		// The system's driver and browser, so that Selenium Manager never tries to
		// download either.
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File("/usr/bin/chromedriver"))
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary("/usr/bin/chromium");
		// Background tabs keep their timers: the tabs of a test are all in the background
		// but one. A page that a tab leaves is unloaded at once, as on a reload, rather
		// than frozen in the back/forward cache, which would hold its part of the shared
		// connection until the cache drops it.
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
				"--disable-backgrounding-occluded-windows", "--disable-features=BackForwardCache",
				"--user-data-dir=" + profile, "--window-size=1280,900");
		browser = new ChromeDriver(service, options);
		home = browser.getWindowHandle();
	}

	@AfterEach
	void closeTabs() {
		for (String tab : browser.getWindowHandles()) {
			if (!tab.equals(home)) {
				browser.switchTo().window(tab).close();
			}
		}
		browser.switchTo().window(home);
	}

	@AfterAll
	static void quitBrowser() {
		if (browser != null) {
			browser.quit();
		}
		FileSystemUtils.deleteRecursively(profile.toFile());
	}

	@ParameterizedTest
	@ValueSource(strings = { "worker", "broadcast" })
	void eightTabsShareOneConnectionAndEachReceivesEveryBroadcast(String sharing) {
		String user = user();
		List<String> tabs = openPages(8, user, sharing);
		await().atMost(TIMEOUT).until(() -> connections(user) == 1);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			ids.add(this.server.broadcast(SseEvent.of("chat", "broadcast " + i)));
		}
		for (String tab : tabs) {
			awaitEvents(tab, ids);
		}
		assertThat(connections(user)).isEqualTo(1);
	}

	@Test
	void plainEventSourcesInEightTabsStallAtTheSeventh() {
		String user = user();
		List<String> tabs = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			tabs.add(openTab(false));
			browser.get(url("/style.css"));
		}
		String stream = "/events?user=" + user;
		for (String tab : tabs) {
			browser.switchTo().window(tab);
			browser.executeScript("window.plain = new EventSource(arguments[0]);", stream);
		}
		await().atMost(TIMEOUT).until(() -> connections(user) == 6);
		// Six connections per host is all the browser opens: the seventh and eighth tab
		// wait, for good.
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(4))
			.until(() -> connections(user) == 6 && readyState(tabs.get(6)) == 0 && readyState(tabs.get(7)) == 0);
		assertThat(tabs.subList(0, 6)).allSatisfy((tab) -> assertThat(readyState(tab)).isEqualTo(1));

		browser.switchTo().window(tabs.get(0));
		browser.executeScript("window.plain.close();");
		await().atMost(TIMEOUT).until(() -> readyState(tabs.get(6)) == 1);
		assertThat(readyState(tabs.get(7))).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "worker", "broadcast" })
	void closingTheTabThatHoldsTheConnectionLosesAndRepeatsNothing(String sharing) {
		String user = user();
		List<String> tabs = openPages(4, user, sharing);
		await().atMost(TIMEOUT).until(() -> connections(user) == 1);
		SseStream<String> first = this.server.get(user).orElseThrow().streams().get(0);
		List<String> ids = new ArrayList<>();
		ids.add(this.server.broadcast(SseEvent.of("chat", "before")));
		awaitEvents(tabs.get(0), ids);

		// The first tab opened holds the connection when there is no SharedWorker.
		browser.switchTo().window(tabs.get(0)).close();
		List<String> others = tabs.subList(1, 4);
		ids.add(this.server.broadcast(SseEvent.of("chat", "during 1")));
		ids.add(this.server.broadcast(SseEvent.of("chat", "during 2")));
		if (sharing.equals("broadcast")) {
			await().atMost(TIMEOUT).until(() -> !first.isOpen());
		}
		await().atMost(TIMEOUT).until(() -> connections(user) == 1);
		if (sharing.equals("broadcast")) {
			// The tab that took over resumed from the last id the tabs had.
			assertThat(this.server.get(user).orElseThrow().streams()).singleElement()
				.satisfies((stream) -> assertThat(stream.lastEventId()).isEqualTo(ids.get(0)));
		}
		ids.add(this.server.broadcast(SseEvent.of("chat", "after")));
		for (String tab : others) {
			awaitEvents(tab, ids);
		}
		assertThat(connections(user)).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "worker", "broadcast" })
	void droppedConnectionIsMirroredToEveryTabAndResumed(String sharing) {
		String user = user();
		List<String> tabs = openPages(3, user, sharing);
		await().atMost(TIMEOUT).until(() -> connections(user) == 1);
		String before = this.server.broadcast(SseEvent.of("chat", "before"));
		awaitEvents(tabs.get(2), List.of(before));
		this.server.get(user).orElseThrow().reconnect();
		awaitState(tabs.get(0), "reconnecting");
		await().atMost(TIMEOUT).until(() -> connections(user) == 0);
		String away = this.server.broadcast(SseEvent.of("chat", "while reconnecting"));
		for (String tab : tabs) {
			// The server's retry time (1s here) passes before the reconnection.
			awaitState(tab, "open");
			assertThat(browser.findElement(By.id("state")).getDomAttribute("data-states"))
				.isEqualTo("connecting,open,reconnecting,open");
			awaitEvents(tab, List.of(before, away));
		}
		assertThat(connections(user)).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "worker", "broadcast" })
	void tabThatReloadsWhileOthersHoldTheConnectionResumesFromItsLastId(String sharing) {
		String user = user();
		List<String> tabs = openPages(3, user, sharing);
		String returning = tabs.get(0);
		await().atMost(TIMEOUT).until(() -> connections(user) == 1);
		String before = this.server.broadcast(SseEvent.of("chat", "before"));
		awaitEvents(returning, List.of(before));

		browser.switchTo().window(returning).get("about:blank");
		String during1 = this.server.broadcast(SseEvent.of("chat", "during 1"));
		String during2 = this.server.broadcast(SseEvent.of("chat", "during 2"));
		awaitEvents(tabs.get(1), List.of(before, during1, during2));
		browser.switchTo().window(returning).get(page(user));
		awaitState(returning, "open");
		String after = this.server.broadcast(SseEvent.of("chat", "after"));
		awaitEvents(returning, List.of(during1, during2, after));
		assertThat(connections(user)).isEqualTo(1);

		browser.switchTo().window(returning).navigate().refresh();
		awaitState(returning, "open");
		String last = this.server.broadcast(SseEvent.of("chat", "last"));
		awaitEvents(returning, List.of(last));
		for (String tab : tabs.subList(1, 3)) {
			awaitEvents(tab, List.of(before, during1, during2, after, last));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "worker", "broadcast" })
	void tabThatComesBackAloneResumesThroughTheQueryParameter(String sharing) {
		String user = user();
		String tab = openPages(1, user, sharing).get(0);
		String before = this.server.broadcast(SseEvent.of("chat", "before"));
		awaitEvents(tab, List.of(before));
		browser.get("about:blank");
		await().atMost(TIMEOUT).until(() -> connections(user) == 0);
		String during = this.server.broadcast(SseEvent.of("chat", "during"));

		browser.get(page(user));
		awaitEvents(tab, List.of(during));
		assertThat(this.server.get(user).orElseThrow().streams()).singleElement()
			.satisfies((stream) -> assertThat(stream.lastEventId()).isEqualTo(before));
	}

	@ParameterizedTest
	@ValueSource(strings = { "worker", "broadcast" })
	void tabWhoseIdTheSharedConnectionNeverSawCatchesUpOnItsOwnThenJoins(String sharing) {
		String user = user();
		String returning = openPages(1, user, sharing).get(0);
		String before = this.server.broadcast(SseEvent.of("chat", "before"));
		awaitEvents(returning, List.of(before));
		browser.get("about:blank");
		await().atMost(TIMEOUT).until(() -> connections(user) == 0);
		String missed = this.server.broadcast(SseEvent.of("chat", "while nobody was there"));

		// A new tab opens the shared connection after that event: it never saw the
		// returning tab's id.
		String holder = openPages(1, user, sharing).get(0);
		await().atMost(TIMEOUT).until(() -> connections(user) == 1);
		browser.switchTo().window(returning).get(page(user));
		awaitEvents(returning, List.of(missed));
		await().atMost(TIMEOUT).until(() -> connections(user) == 1);
		String after = this.server.broadcast(SseEvent.of("chat", "after"));
		awaitEvents(returning, List.of(missed, after));
		awaitEvents(holder, List.of(after));
	}

	@Test
	void apiMirrorsEventSource() {
		String user = user();
		openTab(false);
		browser.get(url("/style.css"));
		browser.executeScript("""
				window.got = [];
				import('/sse/sse-client.js').then((module) => {
					const Source = module.SharedEventSource;
					const source = new Source('/events?user=' + arguments[0]);
					window.source = source;
					got.push([source.url, source.withCredentials, source.readyState, Source.CONNECTING, Source.OPEN,
						Source.CLOSED, source.CLOSED].join(' '));
					source.onopen = () => got.push('open ' + source.readyState);
					source.onmessage = (event) => got.push('onmessage ' + event.data + ' ' + event.lastEventId);
					source.addEventListener('message', (event) => got.push('listener ' + event.data));
				});
				""", user);
		await().atMost(TIMEOUT).until(() -> connections(user) == 1);
		awaitScript("return got.includes('open 1');");
		String first = this.server.broadcast(new SseEvent(null, null, "one\ntwo", null, null));
		awaitScript("return got.length === 4;");
		browser.executeScript("source.onmessage = null;");
		this.server.broadcast(new SseEvent(null, null, "three", null, null));
		awaitScript("return got.length === 5;");
		browser.executeScript("source.close(); got.push('closed ' + source.readyState);");
		assertThat(browser.executeScript("return got;")).asInstanceOf(InstanceOfAssertFactories.LIST)
			.containsExactly(url("/events?user=" + user) + " false 0 0 1 2 2", "open 1", "onmessage one\ntwo " + first,
					"listener one\ntwo", "listener three", "closed 2");
		await().atMost(TIMEOUT).until(() -> connections(user) == 0);
	}

	@Test
	void idThatHistoryNoLongerHoldsIsAnsweredWithTheMissedEvent() {
		String user = user();
		String tab = openPages(1, user, "worker").get(0);
		browser.executeScript("sessionStorage.setItem(arguments[0], 'no-such-id');",
				"sse-client:last-event-id:" + url("/events?user=" + user));
		browser.navigate().refresh();
		awaitState(tab, "open");
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(events(tab)).first()
				.satisfies((event) -> assertThat(event).startsWith("missed ")));
	}

	@ParameterizedTest
	@ValueSource(strings = { "worker", "broadcast" })
	void closeEventStopsEveryTab(String sharing) {
		String user = user();
		List<String> tabs = openPages(3, user, sharing);
		await().atMost(TIMEOUT).until(() -> connections(user) == 1);
		this.server.kick(user, Duration.ofMinutes(1));
		for (String tab : tabs) {
			awaitState(tab, "closed");
			assertThat(events(tab)).singleElement().satisfies((event) -> assertThat(event).startsWith("close "));
		}
		await().atMost(TIMEOUT).until(() -> connections(user) == 0);

		// Refused while kicked: 204, which stops the page for good.
		String late = openTab(sharing.equals("broadcast"));
		browser.get(page(user));
		awaitState(late, "closed");
		assertThat(browser.findElement(By.id("state")).getDomAttribute("data-states")).isEqualTo("connecting,closed");
		assertThat(events(late)).isEmpty();
	}

	private List<String> openPages(int count, String user, String sharing) {
		List<String> tabs = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String tab = openTab(sharing.equals("broadcast"));
			browser.get(page(user));
			awaitState(tab, "open");
			assertThat(browser.findElement(By.id("state")).getDomAttribute("data-sharing")).isEqualTo(sharing);
			tabs.add(tab);
		}
		return tabs;
	}

	private static String openTab(boolean withoutSharedWorker) {
		browser.switchTo().newWindow(WindowType.TAB);
		if (withoutSharedWorker) {
			browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
					Map.of("source", "delete window.SharedWorker;"));
		}
		return browser.getWindowHandle();
	}

	private String url(String path) {
		return "http://localhost:" + this.port + path;
	}

	private String page(String user) {
		return url("/?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8));
	}

	private static String user() {
		return "tab-" + UUID.randomUUID();
	}

	private int connections(String user) {
		return this.server.get(user).map(SseSource::connectionCount).orElse(0);
	}

	private static void awaitScript(String condition) {
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> Boolean.TRUE.equals(browser.executeScript(condition)));
	}

	private static long readyState(String tab) {
		browser.switchTo().window(tab);
		return (Long) browser.executeScript("return window.plain.readyState;");
	}

	private static void awaitState(String tab, String state) {
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			browser.switchTo().window(tab);
			assertThat(browser.findElement(By.id("state")).getText()).isEqualTo(state);
		});
	}

	private static void awaitEvents(String tab, List<String> ids) {
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(() -> assertThat(events(tab))
				.containsExactlyElementsOf(ids.stream().map((id) -> "chat " + id).toList()));
	}

	/**
	 * The events a tab's page shows, oldest first, each as its name and id.
	 */
	@SuppressWarnings("unchecked")
	private static List<String> events(String tab) {
		browser.switchTo().window(tab);
		return (List<String>) browser.executeScript("return Array.from(document.querySelectorAll('#events > li.event'))"
				+ ".map((item) => item.dataset.event + ' ' + item.dataset.id).reverse();");
	}

}
