package io.emotionstream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol with the JDK's own WebSocket
 * client: a real browser for page tests without a driver or a browser download.
 */
public final class HeadlessChromium implements AutoCloseable {
  public static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, Path profile, String pageSocket) {
    this.process = process;
    this.profile = profile;
    this.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(URI.create(pageSocket), new Replies())
            .join();
  }

  public static boolean isInstalled() {
    return Files.isExecutable(EXECUTABLE);
  }

  /** A browser with one blank page of the given size. */
  public static HeadlessChromium start(int width, int height)
      throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("chromium-profile");
    Process process =
        new ProcessBuilder(
                EXECUTABLE.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--user-data-dir=" + profile,
                "--remote-debugging-port=0",
                "--window-size=" + width + "," + height,
                "about:blank")
            .redirectErrorStream(true)
            .start();
    try {
      String browserSocket = awaitListening(process);
      URI endpoint = URI.create(browserSocket.replace("ws://", "http://"));
      String list =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://" + endpoint.getAuthority() + "/json/list"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      String pageSocket = null;
      for (JsonNode target : new ObjectMapper().readTree(list)) {
        if (target.get("type").asText().equals("page")) {
          pageSocket = target.get("webSocketDebuggerUrl").asText();
        }
      }
      if (pageSocket == null) {
        throw new IOException("chromium opened no page: " + list);
      }
      HeadlessChromium browser = new HeadlessChromium(process, profile, pageSocket);
      browser.call(
          "Emulation.setDeviceMetricsOverride",
          Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
      return browser;
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  private static String awaitListening(Process process) throws IOException {
    BufferedReader output =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> socket = new CompletableFuture<>();
    StringBuilder seen = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try {
                String line;
                while ((line = output.readLine())
                    != null) { // read to the end, or a full pipe would stall chromium
                  Matcher matcher = LISTENING.matcher(line);
                  if (matcher.find()) {
                    socket.complete(matcher.group(1));
                  } else if (!socket.isDone()) {
                    seen.append(line).append('\n');
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
              socket.completeExceptionally(
                  new IOException("chromium ended before it listened:\n" + seen));
            },
            "chromium-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return socket.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("chromium did not start its DevTools endpoint: " + e.getMessage(), e);
    }
  }

  public void navigate(String url) {
    call("Page.navigate", Map.of("url", url));
  }

  /**
   * Evaluates a JavaScript expression in the page (promises awaited) and returns its JSON value.
   */
  public JsonNode evaluate(String expression) {
    JsonNode result =
        call(
            "Runtime.evaluate",
            Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("page threw: " + result.get("exceptionDetails"));
    }
    JsonNode value = result.get("result").get("value");
    return value == null ? json.nullNode() : value;
  }

  public byte[] screenshotPng() {
    return Base64.getDecoder()
        .decode(call("Page.captureScreenshot", Map.of("format", "png")).get("data").asText());
  }

  /** A screenshot of one rectangle of the page, in CSS pixels from the page's top left, scaled. */
  public byte[] screenshotPng(double x, double y, double width, double height, double scale) {
    Map<String, Object> clip =
        Map.of("x", x, "y", y, "width", width, "height", height, "scale", scale);
    return Base64.getDecoder()
        .decode(
            call(
                    "Page.captureScreenshot",
                    Map.of("format", "png", "clip", clip, "captureBeyondViewport", true))
                .get("data")
                .asText());
  }

  private JsonNode call(String method, Map<String, Object> params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    ObjectNode message = json.createObjectNode().put("id", id).put("method", method);
    message.set("params", json.valueToTree(params));
    socket.sendText(message.toString(), true).join();
    try {
      JsonNode answer = reply.get(30, TimeUnit.SECONDS);
      if (answer.has("error")) {
        throw new IllegalStateException(method + " failed: " + answer.get("error"));
      }
      return answer.get("result");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(method + " interrupted", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(method + " got no answer: " + e, e);
    } finally {
      pending.remove(id);
    }
  }

  private final class Replies implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode message = json.readTree(partial.toString());
          if (message.has("id")) { // events (no id) are not needed
            CompletableFuture<JsonNode> reply = pending.get(message.get("id").asInt());
            if (reply != null) {
              reply.complete(message);
            }
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        } finally {
          partial.setLength(0);
        }
      }
      webSocket.request(1);
      return null;
    }
  }

  /**
   * Ends the browser with all its processes, then deletes its profile. Chromium's network service
   * and renderers are processes of their own that outlive the main one for a moment, still writing
   * to the profile: deleting it before they are gone races with their files appearing and
   * vanishing.
   */
  @Override
  public void close() throws IOException, InterruptedException {
    socket.abort();
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (ProcessHandle child : children) {
      child.destroyForcibly(); // the browser is gone: nothing of theirs is worth keeping
    }
    for (ProcessHandle child : children) {
      child.onExit().completeOnTimeout(child, 10, TimeUnit.SECONDS).join();
    }
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
