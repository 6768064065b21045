package io.emotionstream.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.control.CommandSender;
import io.emotionstream.data.GrayImage;
import io.emotionstream.http.HttpServers;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.monitor.LiveSnapshot.VideoSource;
import io.emotionstream.watch.LatestPictures.Picture;
import io.emotionstream.watch.LiveVideo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code emotion dashboard}: one web page, fed by server-sent events, over the JDK's HTTP server.
 *
 * <ul>
 *   <li>{@code GET /} the page; {@code /dashboard.js}, {@code /dashboard.css} its code; {@code
 *       /assets/chart.js} the chart library from its webjar
 *   <li>{@code GET /api/snapshot} the current {@link LiveSnapshot} as JSON; {@code GET /api/events}
 *       one every refresh, as a server-sent event stream
 *   <li>{@code GET /frame/{frameId}.png} the thumbnail of a recent frame
 *   <li>{@code GET /video/{sourceId}.mjpg} the live annotated picture of a video source, as an
 *       MJPEG stream ({@code multipart/x-mixed-replace}: each part one JPEG, pushed when the next
 *       scene is drawn), which an {@code <img>} shows live; {@code GET /video/{sourceId}.jpg} its
 *       latest picture
 *   <li>{@code POST /api/retrain} a JSON form; sends a RETRAIN command and answers its id
 * </ul>
 *
 * <p>Any request whose Host header is not one of the {@link AllowedHosts} is refused with 421.
 */
public final class DashboardServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
  private static final int MAX_STREAMS = 32;
  private static final int MAX_FORM_BYTES = 16 * 1024;
  private static final int MAX_REFUSED_HOSTS_LOGGED = 100;
  private static final String MJPEG_BOUNDARY = "emotion-stream-frame";

  /**
   * An idle video stream sends its picture again this often, which also finds viewers that left.
   */
  private static final Duration VIDEO_KEEP_ALIVE = Duration.ofSeconds(5);

  private final DashboardSettings settings;
  private final AllowedHosts allowedHosts;
  private final LiveView view;
  private final MonitorFeed feed;
  private final LiveVideo video;
  private final CommandSender commands;
  private final HttpServer server;
  private final ExecutorService handlers;
  private final ObjectMapper json = new ObjectMapper();
  private final Clock clock = Clock.systemUTC();
  private final Semaphore streamSlots = new Semaphore(MAX_STREAMS);
  private final AtomicInteger openStreams = new AtomicInteger();
  private final AtomicLong commandsSent = new AtomicLong();

  /** The Host names refused so far, each logged once: a rebinding page may ask again and again. */
  private final Set<String> refusedHosts = ConcurrentHashMap.newKeySet();

  private volatile boolean closing;

  private DashboardServer(
      DashboardSettings settings,
      LiveView view,
      MonitorFeed feed,
      LiveVideo video,
      CommandSender commands,
      HttpServer server,
      ExecutorService handlers) {
    this.settings = settings;
    this.allowedHosts = new AllowedHosts(settings.bindAddress(), settings.allowedHosts());
    this.view = view;
    this.feed = feed;
    this.video = video;
    this.commands = commands;
    this.server = server;
    this.handlers = handlers;
  }

  public static DashboardServer start(ConnectionSettings connection, DashboardSettings settings) {
    LiveView view = new LiveView(settings.eventWindow(), settings.recentFrames());
    MonitorFeed feed = MonitorFeed.start(connection, view, settings.from(), true);
    LiveVideo video = null;
    CommandSender commands = null;
    try {
      video = LiveVideo.start(connection, settings.from() == StartPosition.BEGINNING);
      commands =
          new CommandSender(connection, TopicSerdes.connect(connection), settings.modelName());
      HttpServer server =
          HttpServers.create(new InetSocketAddress(settings.bindAddress(), settings.port()));
      AtomicInteger threads = new AtomicInteger();
      // One thread per open event stream (each waits between snapshots), so a bounded cached pool.
      ExecutorService handlers =
          Executors.newCachedThreadPool(
              runnable -> {
                Thread thread = new Thread(runnable, "dashboard-http-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
      server.setExecutor(handlers);
      DashboardServer dashboard =
          new DashboardServer(settings, view, feed, video, commands, server, handlers);
      server.createContext("/", dashboard::route);
      server.start();
      return dashboard;
    } catch (IOException e) {
      feed.close();
      video.close();
      commands.close();
      throw new UncheckedIOException(
          "cannot listen on "
              + settings.bindAddress()
              + ":"
              + settings.port()
              + ": "
              + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      feed.close();
      if (video != null) {
        video.close();
      }
      if (commands != null) {
        commands.close();
      }
      throw e;
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url() {
    return "http://" + settings.bindAddress() + ":" + port() + "/";
  }

  /** Event streams open now. */
  public int openStreams() {
    return openStreams.get();
  }

  public long commandsSent() {
    return commandsSent.get();
  }

  public long recordsRead() {
    return feed.recordsRead() + video.recordsRead();
  }

  public LiveSnapshot snapshot() {
    return view.snapshot(clock.instant())
        .withVideoSources(
            video.pictures().all().stream()
                .map(
                    p ->
                        new VideoSource(
                            p.sourceId(),
                            p.sceneIndex(),
                            p.sceneTimeMs(),
                            p.faceCount(),
                            p.faces(),
                            p.updatedTimeMs()))
                .toList());
  }

  /**
   * Scene pictures that did not decode, and scene and event records the live video could not read.
   */
  public long unreadableScenes() {
    return video.unreadableScenes() + video.unreadableRecords();
  }

  private void route(HttpExchange exchange) throws IOException {
    try (exchange) {
      String host = exchange.getRequestHeaders().getFirst("Host");
      if (!allowedHosts.allows(host)) {
        refuseHost(exchange, host);
        return;
      }
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      if (path.equals("/api/retrain")) {
        if (!method.equals("POST")) {
          send(exchange, 405, "text/plain", "use POST".getBytes(StandardCharsets.UTF_8));
          return;
        }
        retrain(exchange);
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        send(exchange, 405, "text/plain", "use GET".getBytes(StandardCharsets.UTF_8));
        return;
      }
      switch (path) {
        case "/", "/index.html" ->
            asset(exchange, ClasspathAssets.page("index.html"), "text/html; charset=utf-8");
        case "/assets/chart.js" ->
            asset(exchange, ClasspathAssets.chartJs(), "text/javascript; charset=utf-8");
        case "/api/snapshot" ->
            send(exchange, 200, "application/json", json.writeValueAsBytes(snapshot()));
        case "/api/events" -> stream(exchange);
        default -> {
          if (path.startsWith("/frame/") && path.endsWith(".png")) {
            frame(
                exchange,
                URLDecoder.decode(path.substring(7, path.length() - 4), StandardCharsets.UTF_8));
          } else if (path.startsWith("/video/") && path.endsWith(".mjpg")) {
            videoStream(
                exchange,
                URLDecoder.decode(path.substring(7, path.length() - 5), StandardCharsets.UTF_8));
          } else if (path.startsWith("/video/") && path.endsWith(".jpg")) {
            videoPicture(
                exchange,
                URLDecoder.decode(path.substring(7, path.length() - 4), StandardCharsets.UTF_8));
          } else if (path.endsWith(".js")) {
            asset(
                exchange,
                ClasspathAssets.page(path.substring(1)),
                "text/javascript; charset=utf-8");
          } else if (path.endsWith(".css")) {
            asset(exchange, ClasspathAssets.page(path.substring(1)), "text/css; charset=utf-8");
          } else {
            notFound(exchange);
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("client went away: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("request {} failed", exchange.getRequestURI(), e);
    }
  }

  private void refuseHost(HttpExchange exchange, String host) throws IOException {
    if (refusedHosts.size() < MAX_REFUSED_HOSTS_LOGGED && refusedHosts.add(String.valueOf(host))) {
      LOG.warn(
          "refused a request from {} for host {}: the dashboard answers to {} (add names with --allowed-host)",
          exchange.getRemoteAddress(),
          host,
          allowedHosts);
    }
    send(
        exchange,
        421,
        "text/plain",
        ("this dashboard answers to "
                + allowedHosts
                + ", not to "
                + (host == null ? "requests without a Host header" : host)
                + "\n")
            .getBytes(StandardCharsets.UTF_8));
  }

  private void asset(HttpExchange exchange, byte[] body, String type) throws IOException {
    if (body == null) {
      notFound(exchange);
    } else {
      send(exchange, 200, type, body);
    }
  }

  private void frame(HttpExchange exchange, String frameId) throws IOException {
    Optional<GrayImage> image = view.thumbnail(frameId);
    if (image.isEmpty()) {
      notFound(exchange);
      return;
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image.get().toBufferedImage(), "png", png);
    // A frame id names one image for good.
    exchange.getResponseHeaders().set("Cache-Control", "max-age=3600, immutable");
    send(exchange, 200, "image/png", png.toByteArray());
  }

  private void videoPicture(HttpExchange exchange, String sourceId) throws IOException {
    Optional<Picture> picture = video.pictures().latest(sourceId);
    if (picture.isEmpty()) {
      notFound(exchange);
      return;
    }
    exchange
        .getResponseHeaders()
        .set("Cache-Control", "no-store"); // the latest: it changes with every scene
    send(exchange, 200, "image/jpeg", picture.get().jpeg());
  }

  /**
   * Each part is followed at once by the next boundary: a browser shows a part when it sees the
   * boundary after it, so the picture on screen is the newest one, not the one before.
   */
  private void videoStream(HttpExchange exchange, String sourceId) throws IOException {
    Optional<Picture> first = video.pictures().latest(sourceId);
    if (first.isEmpty()) {
      notFound(exchange);
      return;
    }
    if (!streamSlots.tryAcquire()) {
      send(
          exchange, 503, "text/plain", "too many open dashboards".getBytes(StandardCharsets.UTF_8));
      return;
    }
    openStreams.incrementAndGet();
    try {
      exchange
          .getResponseHeaders()
          .set("Content-Type", "multipart/x-mixed-replace; boundary=" + MJPEG_BOUNDARY);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, 0);
      OutputStream body = exchange.getResponseBody();
      body.write(("--" + MJPEG_BOUNDARY + "\r\n").getBytes(StandardCharsets.US_ASCII));
      Picture shown = first.get();
      while (!closing) {
        byte[] jpeg = shown.jpeg();
        body.write(
            ("Content-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        body.write(jpeg);
        body.write(("\r\n--" + MJPEG_BOUNDARY + "\r\n").getBytes(StandardCharsets.US_ASCII));
        body.flush();
        Optional<Picture> next =
            video.pictures().awaitNewer(sourceId, shown.sequence(), VIDEO_KEEP_ALIVE);
        if (next.isPresent()) {
          shown = next.get();
        } else if (video.pictures().latest(sourceId).isEmpty()) {
          return; // the source was dropped for newer ones
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      openStreams.decrementAndGet();
      streamSlots.release();
    }
  }

  private void stream(HttpExchange exchange) throws IOException {
    if (!streamSlots.tryAcquire()) {
      send(
          exchange, 503, "text/plain", "too many open dashboards".getBytes(StandardCharsets.UTF_8));
      return;
    }
    openStreams.incrementAndGet();
    try {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, 0);
      OutputStream body = exchange.getResponseBody();
      // Tells EventSource how soon to reconnect if the connection drops.
      body.write(
          ("retry: " + settings.refresh().toMillis() * 2 + "\n\n")
              .getBytes(StandardCharsets.UTF_8));
      while (!closing) {
        body.write("event: snapshot\ndata: ".getBytes(StandardCharsets.UTF_8));
        body.write(json.writeValueAsBytes(snapshot()));
        body.write("\n\n".getBytes(StandardCharsets.UTF_8));
        body.flush();
        Thread.sleep(
            settings
                .refresh()
                .toMillis()); // the refresh period itself: nothing to wait on but time
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      openStreams.decrementAndGet();
      streamSlots.release();
    }
  }

  private void retrain(HttpExchange exchange) throws IOException {
    // A JSON body needs a CORS preflight from another origin, which this server never grants:
    // another
    // site open in the same browser cannot send commands through a dashboard on localhost.
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      error(exchange, 415, "send the form as application/json");
      return;
    }
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (origin != null
        && !origin.equals("null")
        && host != null
        && !URI.create(origin).getAuthority().equals(host)) {
      error(exchange, 403, "commands are accepted from this dashboard's own page only");
      return;
    }
    byte[] body = exchange.getRequestBody().readNBytes(MAX_FORM_BYTES + 1);
    if (body.length > MAX_FORM_BYTES) {
      error(exchange, 413, "form larger than " + MAX_FORM_BYTES + " bytes");
      return;
    }
    ControlCommand command;
    try {
      JsonNode form = json.readTree(body);
      command = RetrainForm.read(form);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      error(exchange, 400, "the body is not JSON: " + e.getOriginalMessage());
      return;
    } catch (IllegalArgumentException e) {
      error(exchange, 400, e.getMessage());
      return;
    }
    RecordMetadata written;
    try {
      written = commands.send(command);
    } catch (IllegalStateException e) {
      error(exchange, 503, e.getMessage());
      return;
    }
    commandsSent.incrementAndGet();
    LOG.info(
        "sent RETRAIN {} for model {} to {}-{}@{}",
        command.getCommandId(),
        settings.modelName(),
        written.topic(),
        written.partition(),
        written.offset());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("commandId", command.getCommandId());
    answer.put("modelName", settings.modelName());
    answer.put("topic", written.topic());
    answer.put("offset", written.offset());
    send(exchange, 202, "application/json", json.writeValueAsBytes(answer));
  }

  private void error(HttpExchange exchange, int status, String message) throws IOException {
    send(exchange, status, "application/json", json.writeValueAsBytes(Map.of("error", message)));
  }

  private static void notFound(HttpExchange exchange) throws IOException {
    send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    closing = true;
    server.stop(0);
    handlers.shutdownNow(); // wakes the event and video streams from their wait
    feed.close();
    video.close();
    commands.close();
  }
}
