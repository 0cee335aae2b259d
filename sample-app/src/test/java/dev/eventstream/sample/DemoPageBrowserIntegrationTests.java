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
 * Drives the demo page at {@code GET /} in headless Chromium: two users, broadcasts, a message to one
 * user, a dropped connection and the server's close event.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class DemoPageBrowserIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	// The page's EventSource waits for the stream's retry time (3s) before it reconnects.
	private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(15);

	// Written on every run; docs/demo-page.png in README is a copy of it.
	private static final Path SCREENSHOT = Path.of("target", "demo-page.png");

	private static final List<Path> profiles = new ArrayList<>();

	// Two browsers for the whole class, since starting Chromium is the slow part; each test loads a fresh page.
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
		saveScreenshot(alice);
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
		assertThat(alice.findElement(By.id("state")).getDomAttribute("data-states")).isEqualTo("connecting,open,closed");
	}

	private static ChromeDriver startBrowser() throws IOException {
		Path profile = Files.createTempDirectory("chromium-profile-");
		profiles.add(profile);
		// The system's driver and browser, so that Selenium Manager never tries to download either.
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

	private static String awaitAcceptedId(WebDriver page) {
		WebElement status = page.findElement(By.id("status"));
		await().atMost(TIMEOUT).until(() -> status.getDomAttribute("data-id") != null);
		return status.getDomAttribute("data-id");
	}

	private static List<WebElement> events(WebDriver page) {
		return page.findElements(By.cssSelector("#events > li.event"));
	}

	private static void saveScreenshot(ChromeDriver chrome) throws IOException {
		// WebDriver screenshots stop at the viewport; the DevTools command captures the whole page.
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
