package dev.eventstream.sample;

import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.eventstream.sse.SseEvent;
import dev.eventstream.sse.server.SseServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
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
 * Drives the demo page at {@code GET /} in headless Chromium: two users, broadcasts, a
 * message to one user, rooms with who is in them and their messages, a dropped connection
 * and the server's close event.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.presence.grace=1s", "sse.keep-alive=1s" })
class DemoPageBrowserIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Duration GRACE = Duration.ofSeconds(1);

	// The page's EventSource waits for the stream's retry time (3s) before it reconnects.
	private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(15);

	// Written on every run; docs/demo-page.png in README is a copy of it.
	private static final Path SCREENSHOT = Path.of("target", "demo-page.png");

	private static final List<Path> profiles = new ArrayList<>();

	// Two browsers for the whole class, since starting Chromium is the slow part; each
	// test loads a fresh page.
	private static ChromeDriver alice;

	private static ChromeDriver bob;

	@LocalServerPort
	private int port;

	@Autowired
	private SseServer<String> server;

	@BeforeAll
	static void startBrowsers() throws IOException {
		alice = startBrowser();
		bob = startBrowser();
	}

	@AfterEach
	void leavePages() {
		alice.get("about:blank");
		bob.get("about:blank");
	}

	@AfterAll
	static void quitBrowsers() throws IOException {
		for (WebDriver driver : Arrays.asList(alice, bob)) {
			if (driver != null) {
				driver.quit();
			}
		}
		for (Path profile : profiles) {
			FileSystemUtils.deleteRecursively(profile);
		}
	}

	@Test
	void broadcastFromOnePageAppearsOnEveryPage() throws IOException {
		load(alice, "alice");
		load(bob, "bob");
		awaitState(alice, "open");
		awaitState(bob, "open");
		submit(alice, "broadcast-form", Map.of("broadcast-event", "chat", "broadcast-data", "Hello from alice"));
		String id = awaitAcceptedId(alice);
		for (WebDriver page : List.of(alice, bob)) {
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events(page)).anySatisfy((event) -> {
				assertThat(event.getDomAttribute("data-event")).isEqualTo("chat");
				assertThat(event.getDomAttribute("data-id")).isEqualTo(id);
				assertThat(event.findElement(By.className("data")).getText()).isEqualTo("Hello from alice");
			}));
		}
		submit(bob, "broadcast-form", Map.of("broadcast-data", "Hi alice,\nbob here"));
		String reply = awaitAcceptedId(bob);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events(alice)).first().satisfies((event) -> {
			assertThat(event.getDomAttribute("data-event")).isEqualTo("message");
			assertThat(event.getDomAttribute("data-id")).isEqualTo(reply);
			assertThat(event.findElement(By.className("data")).getText()).isEqualTo("Hi alice,\nbob here");
		}));
	}

	@Test
	void roomsShowWhoIsInThemLiveAndCarryMessagesToTheirMembersOnly() throws IOException {
		load(alice, "alice");
		String bobsWindow = bob.getWindowHandle();
		bob.switchTo().newWindow(WindowType.TAB);
		load(bob, "bob");
		awaitState(alice, "open");
		awaitState(bob, "open");
		join(bob, "room-b");
		awaitMembers(bob, "room-b", "bob");
		join(alice, "room-a");
		join(alice, "room-b");
		assertThat(alice.findElement(By.id("stream-url")).getText())
			.isEqualTo("/events?user=alice&topic=room-a&topic=room-b");
		awaitMembers(bob, "room-b", "alice", "bob");
		awaitMembers(alice, "room-b", "alice", "bob");
		awaitMembers(alice, "room-a", "alice");

		String toBoth = postToRoom(alice, "room-b", "Hi bob, welcome to room b");
		String toAlice = postToRoom(alice, "room-a", "Only alice is in room a");
		String reply = postToRoom(bob, "room-b", "Hello alice!");
		for (ChromeDriver page : List.of(alice, bob)) {
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(messages(page, "room-b"))
					.containsExactly("alice: Hi bob, welcome to room b", "bob: Hello alice!"));
		}
		await().atMost(TIMEOUT)
			.untilAsserted(
					() -> assertThat(messages(alice, "room-a")).containsExactly("alice: Only alice is in room a"));
		assertThat(bob.findElements(By.cssSelector("#rooms > li[data-room='room-a']"))).isEmpty();
		assertThat(events(bob)).extracting((event) -> event.getDomAttribute("data-id"))
			.contains(toBoth, reply)
			.doesNotContain(toAlice);
		saveScreenshot(alice);

		// Taken before the close: the server's grace starts when it releases bob's
		// stream, which the polling below sees only later.
		long closedAt = System.nanoTime();
		bob.close();
		bob.switchTo().window(bobsWindow);
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(this.server.get("bob")
				.map((source) -> source.streams().stream().map((stream) -> stream.topics()).toList()))
				.as("topics of bob's open streams")
				.isEmpty());
		awaitMembers(alice, "room-b", "alice");
		assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isGreaterThanOrEqualTo(GRACE);
		assertThat(events(alice)).anySatisfy((event) -> {
			assertThat(event.getDomAttribute("data-event")).isEqualTo("presence");
			assertThat(event.findElement(By.className("data")).getText()).contains("\"user\":\"bob\"", "\"leave\"");
		});
	}

	@Test
	void directMessageAppearsOnlyOnTheRecipientsPage() {
		load(alice, "alice");
		load(bob, "bob");
		awaitState(alice, "open");
		awaitState(bob, "open");
		submit(alice, "direct-form", Map.of("direct-user", "bob", "direct-data", "Just between us"));
		String id = awaitAcceptedId(alice);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events(bob)).singleElement().satisfies((event) -> {
			assertThat(event.getDomAttribute("data-event")).isEqualTo("message");
			assertThat(event.getDomAttribute("data-id")).isEqualTo(id);
			assertThat(event.findElement(By.className("data")).getText()).isEqualTo("Just between us");
		}));
		assertThat(events(alice)).isEmpty();
	}

	@Test
	void directMessageToAnUnknownUserShowsTheProblemDetail() {
		load(alice, "alice");
		awaitState(alice, "open");
		submit(alice, "direct-form", Map.of("direct-user", "nobody here", "direct-data", "Hello?"));
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(alice.findElement(By.id("status")).getText())
				.isEqualTo("User 'nobody here' has no open connection"));
	}

	@Test
	void pageReconnectsAfterTheStreamDropsAndReceivesWhatItMissed() {
		load(alice, "alice");
		awaitState(alice, "open");
		this.server.get("alice").orElseThrow().reconnect();
		awaitState(alice, "reconnecting");
		await().atMost(TIMEOUT).until(() -> this.server.get("alice").isEmpty());
		String id = this.server.broadcast(SseEvent.of("chat", "sent while alice was away"));
		awaitState(alice, "open");
		assertThat(alice.findElement(By.id("state")).getDomAttribute("data-states"))
			.isEqualTo("connecting,open,reconnecting,open");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events(alice)).singleElement().satisfies((event) -> {
			assertThat(event.getDomAttribute("data-id")).isEqualTo(id);
			assertThat(event.findElement(By.className("data")).getText()).isEqualTo("sent while alice was away");
		}));
	}

	@Test
	void closeEventFromTheServerClosesThePage() {
		load(alice, "alice");
		awaitState(alice, "open");
		this.server.get("alice").orElseThrow().close();
		awaitState(alice, "closed");
		assertThat(events(alice)).singleElement()
			.satisfies((event) -> assertThat(event.getDomAttribute("data-event")).isEqualTo("close"));
		assertThat(alice.findElement(By.id("state")).getDomAttribute("data-states"))
			.isEqualTo("connecting,open,closed");
	}

	private static ChromeDriver startBrowser() throws IOException {
		Path profile = Files.createTempDirectory("chromium-profile-");
		profiles.add(profile);
		// The system's driver and browser, so that Selenium Manager never tries to
		// download either.
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File("/usr/bin/chromedriver"))
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary("/usr/bin/chromium");
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--user-data-dir=" + profile, "--window-size=1280,900");
		return new ChromeDriver(service, options);
	}

	private void load(WebDriver page, String user) {
		page.get("http://localhost:" + this.port + "/?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8));
	}

	private static void awaitState(WebDriver page, String state) {
		await().atMost(state.equals("open") ? RECONNECT_TIMEOUT : TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(() -> assertThat(page.findElement(By.id("state")).getText()).isEqualTo(state));
	}

	private static void submit(WebDriver page, String form, Map<String, String> fields) {
		fields.forEach((id, value) -> {
			WebElement field = page.findElement(By.id(id));
			field.clear();
			field.sendKeys(value);
		});
		page.findElement(By.cssSelector("#" + form + " button[type=submit]")).click();
	}

	private static void join(WebDriver page, String room) {
		submit(page, "room-form", Map.of("room-name", room));
		await().atMost(TIMEOUT)
			.until(() -> !page.findElements(By.cssSelector("#rooms > li[data-room='" + room + "']")).isEmpty());
		awaitState(page, "open");
	}

	private static void awaitMembers(ChromeDriver page, String room, String... users) {
		await().atMost(TIMEOUT.plus(GRACE))
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(() -> assertThat(texts(page, room, ".members > li", "dataset.user")).containsExactly(users));
	}

	private static String postToRoom(WebDriver page, String room, String text) {
		WebElement form = page.findElement(By.cssSelector("#rooms > li[data-room='" + room + "'] form"));
		WebElement input = form.findElement(By.tagName("input"));
		input.clear();
		input.sendKeys(text);
		String before = page.findElement(By.id("status")).getDomAttribute("data-id");
		form.findElement(By.cssSelector("button[type=submit]")).click();
		WebElement status = page.findElement(By.id("status"));
		await().atMost(TIMEOUT).until(() -> {
			String id = status.getDomAttribute("data-id");
			return id != null && !id.equals(before) && status.getText().startsWith("Posted to " + room);
		});
		return status.getDomAttribute("data-id");
	}

	private static List<String> messages(ChromeDriver page, String room) {
		return texts(page, room, ".messages > li", "textContent");
	}

	/**
	 * Reads a property of the matching elements of a room in one script: the page
	 * re-renders them.
	 */
	@SuppressWarnings("unchecked")
	private static List<String> texts(ChromeDriver page, String room, String selector, String property) {
		return (List<String>) page.executeScript("return Array.from(document.querySelectorAll("
				+ "`#rooms > li[data-room='${arguments[0]}'] " + selector + "`)).map((each) => each." + property + ");",
				room);
	}

	private static String awaitAcceptedId(WebDriver page) {
		WebElement status = page.findElement(By.id("status"));
		await().atMost(TIMEOUT).until(() -> status.getDomAttribute("data-id") != null);
		return status.getDomAttribute("data-id");
	}

	private static List<WebElement> events(WebDriver page) {
		return page.findElements(By.cssSelector("#events > li.event"));
	}

	private static void saveScreenshot(ChromeDriver chrome) throws IOException {
		// WebDriver screenshots stop at the viewport; the DevTools command captures the
		// whole page.
		Map<String, Object> metrics = chrome.executeCdpCommand("Page.getLayoutMetrics", Map.of());
		@SuppressWarnings("unchecked")
		Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
		Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", size.get("width"), "height", size.get("height"),
				"scale", 1);
		Map<String, Object> shot = chrome.executeCdpCommand("Page.captureScreenshot",
				Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
		Files.createDirectories(SCREENSHOT.getParent());
		Files.write(SCREENSHOT, Base64.getDecoder().decode((String) shot.get("data")));
	}

}
