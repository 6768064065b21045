package io.emotionstream.monitor;

import static io.emotionstream.monitor.MonitorRecords.event;
import static io.emotionstream.monitor.MonitorRecords.frame;
import static io.emotionstream.monitor.MonitorRecords.publish;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.avro.CommandType;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.avro.TrainingMode;
import io.emotionstream.control.ModelNames;
import io.emotionstream.data.GrayImage;
import io.emotionstream.data.Region;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.metrics.DashboardMetricFamilies;
import io.emotionstream.metrics.MetricsEndpoint;
import io.emotionstream.testing.DrawnBoxes;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SceneRecords;
import io.emotionstream.testing.ServingRecords;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TestVideos;
import io.emotionstream.testing.TopicRecords;
import io.emotionstream.watch.SceneAnnotator;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The dashboard's HTTP side with a real client, broker and registry. */
@IntegrationTest
class DashboardServerTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void servesThePageItsCodeAndTheChartLibraryFromTheWebjar() throws Exception {
    try (DashboardServer dashboard = start(FreshTopics.on(kafka.cluster()))) {
      HttpResponse<String> page = get(dashboard, "/");
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("<canvas id=\"accuracy-chart\">"), page.body());
      HttpResponse<String> chart = get(dashboard, "/assets/chart.js");
      assertEquals(200, chart.statusCode());
      assertTrue(
          chart.body().length() > 100_000 && chart.body().contains("Chart.js v4"),
          "the Chart.js UMD bundle");
      assertEquals(
          "text/javascript; charset=utf-8",
          chart.headers().firstValue("Content-Type").orElseThrow());
      assertEquals(200, get(dashboard, "/dashboard.js").statusCode());
      assertEquals(404, get(dashboard, "/..%2Fpom.xml").statusCode());
      assertEquals(404, get(dashboard, "/frame/unknown.png").statusCode());
      assertEquals(404, get(dashboard, "/video/unknown.jpg").statusCode());
      assertTrue(
          page.body().contains("<section class=\"card wide\" id=\"video-card\" hidden>"),
          "hidden until a source has scenes");
    }
  }

  @Test
  void streamsSnapshotsWithAnEventWrittenWhileThePageIsOpenAndServesItsThumbnail()
      throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    TopicSerdes serdes = TopicSerdes.connect(connection);
    try (DashboardServer dashboard = start(connection)) {
      HttpResponse<InputStream> stream =
          http.send(
              request(dashboard, "/api/events").build(), HttpResponse.BodyHandlers.ofInputStream());
      assertEquals("text/event-stream", stream.headers().firstValue("Content-Type").orElseThrow());
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
        assertTrue(
            nextSnapshot(lines).get("recentFrames").isEmpty(), "nothing before the test writes");

        byte[] face = new byte[48 * 48];
        new Random(3).nextBytes(face);
        publish(
            connection,
            connection.topics().frames(),
            serdes.frames().serializer(),
            List.of(frame("frame-42", 48, 48, face)),
            f -> f.getSourceId());
        publish(
            connection,
            connection.topics().events(),
            serdes.events().serializer(),
            List.of(
                event("frame-42", Emotion.SURPRISE, 0.875f, 5, Instant.now(), Emotion.SURPRISE)),
            e -> e.getSourceId());

        JsonNode shown =
            CompletableFuture.supplyAsync(
                    () -> {
                      while (true) {
                        JsonNode snapshot = nextSnapshot(lines);
                        JsonNode frames = snapshot.get("recentFrames");
                        if (!frames.isEmpty() && frames.get(0).get("hasImage").asBoolean()) {
                          return snapshot;
                        }
                      }
                    })
                .get(30, TimeUnit.SECONDS);
        JsonNode recent = shown.get("recentFrames").get(0);
        assertEquals("frame-42", recent.get("frameId").asText());
        assertEquals("SURPRISE", recent.get("emotion").asText());
        assertEquals(0.875, recent.get("confidence").asDouble(), 1e-6);
        assertEquals(1, shown.get("events").get("byEmotion").get("SURPRISE").asLong());

        HttpResponse<byte[]> png =
            http.send(
                request(dashboard, "/frame/frame-42.png").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElseThrow());
        GrayImage image = GrayImage.decode(png.body(), "thumbnail");
        assertEquals(48, image.width());
        assertTrue(java.util.Arrays.equals(face, image.pixels()), "the frame's own pixels");
      }
    }
  }

  @Test
  void theSnapshotSaysWhatServesTheCandidateAndTheLastDecisionsButCarriesNoWeights()
      throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    var v6 = ServingRecords.checkpoint(6, 0.61);
    var v7 = ServingRecords.checkpoint(7, 0.64);
    // Written before the dashboard starts: the compacted serving topic is read whole.
    ServingRecords.publish(
        connection,
        kafka.serdes(),
        ServingRecords.decision(
                ServingDecision.FIRST_MODEL, v6, "first", Instant.now().minusSeconds(60))
            .build(),
        ServingRecords.decision(
                ServingDecision.PROMOTED, v7, "promoted: not worse", Instant.now().minusSeconds(30))
            .setPrevious(v6)
            .build());
    try (DashboardServer dashboard = start(connection)) {
      ServingRecords.publish(
          connection,
          kafka.serdes(),
          ServingRecords.decision(
                  ServingDecision.CANDIDATE, v7, "version 8 is scored in shadow", Instant.now())
              .setPrevious(v6)
              .setCandidateVersion(8L)
              .build());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> dashboard.snapshot().servingDecisions().size() == 3);

      String body = get(dashboard, "/api/snapshot").body();
      JsonNode serving = json.readTree(body).get("serving");
      assertEquals(7, serving.get("served").get("version").asLong());
      assertEquals(0.64, serving.get("served").get("validationAccuracy").asDouble(), 1e-9);
      assertEquals(6, serving.get("previous").get("version").asLong());
      assertEquals(8, serving.get("candidateVersion").asLong());
      assertEquals("GUARDED", serving.get("policy").asText());
      assertEquals("CANDIDATE", serving.get("decision").asText());
      assertEquals("version 8 is scored in shadow", serving.get("reason").asText());
      JsonNode decisions = json.readTree(body).get("servingDecisions");
      assertEquals(
          List.of("CANDIDATE", "PROMOTED", "FIRST_MODEL"),
          List.of(decisions.get(0), decisions.get(1), decisions.get(2)).stream()
              .map(d -> d.get("decision").asText())
              .toList());
      assertTrue(
          !body.contains("weights") && !body.contains("WlpaWlpa") && body.length() < 20_000,
          "no weights, not even base64: " + body.length() + " characters");
    }
  }

  @Test
  void servesEachVideoSourcesLatestAnnotatedPictureAsAJpegAndAsALiveMjpegStream() throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    TopicSerdes serdes = kafka.serdes();
    try (DashboardServer dashboard = start(connection)) {
      assertEquals(
          404, get(dashboard, "/video/cam.mjpg").statusCode(), "no scene of that source yet");
      assertTrue(
          json.readTree(get(dashboard, "/api/snapshot").body()).get("videoSources").isEmpty());

      SceneRecords.publishVideoFrame(connection, kafka.serdes(), "cam", 0, 10, Emotion.SAD, 0.8f);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !dashboard.snapshot().videoSources().isEmpty());
      JsonNode source =
          json.readTree(get(dashboard, "/api/snapshot").body()).get("videoSources").get(0);
      assertEquals("cam", source.get("sourceId").asText());
      assertEquals(0, source.get("sceneIndex").asLong());
      assertEquals("sad 80%", source.get("faces").get(0).asText());

      HttpResponse<byte[]> jpeg =
          http.send(
              request(dashboard, "/video/cam.jpg").build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertEquals("image/jpeg", jpeg.headers().firstValue("Content-Type").orElseThrow());
      assertShowsFace(ImageIO.read(new ByteArrayInputStream(jpeg.body())), 0, Emotion.SAD);

      HttpResponse<InputStream> stream =
          http.send(
              request(dashboard, "/video/cam.mjpg").build(),
              HttpResponse.BodyHandlers.ofInputStream());
      String type = stream.headers().firstValue("Content-Type").orElseThrow();
      assertTrue(type.startsWith("multipart/x-mixed-replace; boundary="), type);
      try (InputStream parts = stream.body()) {
        String boundary = "--" + type.substring(type.indexOf("boundary=") + 9);
        assertEquals(boundary, line(parts));
        assertShowsFace(nextPart(parts, boundary), 0, Emotion.SAD);
        assertEquals(1, dashboard.openStreams());

        // The next scene is pushed into the open stream.
        SceneRecords.publishVideoFrame(
            connection, kafka.serdes(), "cam", 1, 10, Emotion.HAPPY, 0.9f);
        assertShowsFace(nextPartShowing(parts, boundary, 1, Emotion.HAPPY), 1, Emotion.HAPPY);

        // A scene whose picture does not decode is counted and skipped; the next one is shown.
        String scenes = connection.topics().scenes();
        String events = connection.topics().events();
        SceneRecords.publish(
            connection,
            List.of(
                new SceneRecords.Raw(
                    scenes,
                    "cam",
                    serdes
                        .scenes()
                        .serializer()
                        .serialize(
                            scenes,
                            SceneRecords.scene(
                                "cam", 2, 1, "no picture".getBytes(StandardCharsets.UTF_8)))),
                new SceneRecords.Raw(
                    events,
                    "cam",
                    serdes
                        .events()
                        .serializer()
                        .serialize(
                            events,
                            SceneRecords.event(
                                "cam", 2, 0, 1, Emotion.FEAR, 0.5f, TestVideos.face(2, 10))))));
        await().atMost(Duration.ofSeconds(30)).until(() -> dashboard.unreadableScenes() == 1);
        SceneRecords.publishVideoFrame(
            connection, kafka.serdes(), "cam", 3, 10, Emotion.ANGRY, 0.6f);
        assertShowsFace(nextPartShowing(parts, boundary, 3, Emotion.ANGRY), 3, Emotion.ANGRY);
        assertEquals(3, dashboard.snapshot().videoSources().get(0).sceneIndex());

        dashboard.close(); // wakes the stream, which ends
        CompletableFuture.runAsync(
                () -> {
                  try {
                    while (parts.read() >= 0) {
                      // the rest of what was sent
                    }
                  } catch (java.io.IOException e) {
                    // cut off: ended all the same
                  }
                })
            .get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> dashboard.openStreams() == 0);
      }
    }
  }

  /**
   * The box of frame {@code index}'s face drawn in the emotion's colour, the face inside left as it
   * was.
   */
  private static void assertShowsFace(BufferedImage picture, int index, Emotion emotion) {
    Region face = TestVideos.face(index, 10);
    assertEquals(TestVideos.WIDTH, picture.getWidth());
    assertTrue(
        DrawnBoxes.colourNear(
            picture, face.x(), face.y() + face.height() / 2, SceneAnnotator.colour(emotion)),
        "left edge of the box of frame " + index + " in " + emotion + "'s colour");
    assertTrue(
        !DrawnBoxes.colourNear(
            picture,
            face.x() + face.width() / 2,
            face.y() + face.height() / 2,
            SceneAnnotator.colour(emotion)),
        "the face inside the box as it was");
  }

  private static String line(InputStream in) {
    try {
      StringBuilder text = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IllegalStateException("the stream ended");
        }
        text.append((char) b);
      }
      return text.toString().strip();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The first part to come within 30 s with frame {@code index}'s box in the emotion's colour (the
   * stream sends the picture before it again while it waits).
   */
  private static BufferedImage nextPartShowing(
      InputStream parts, String boundary, int index, Emotion emotion) throws Exception {
    Region face = TestVideos.face(index, 10);
    return CompletableFuture.supplyAsync(
            () -> {
              while (true) {
                BufferedImage part = nextPart(parts, boundary);
                if (DrawnBoxes.colourNear(
                    part, face.x(), face.y() + face.height() / 2, SceneAnnotator.colour(emotion))) {
                  return part;
                }
              }
            })
        .get(30, TimeUnit.SECONDS);
  }

  /** One part of a multipart stream: its headers, its JPEG decoded, and the boundary after it. */
  private static BufferedImage nextPart(InputStream in, String boundary) {
    try {
      int length = -1;
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(header.substring(15).strip());
        }
      }
      byte[] jpeg = in.readNBytes(length);
      assertEquals("", line(in), "the part ends with its CRLF");
      assertEquals(boundary, line(in), "and the next boundary follows at once");
      return ImageIO.read(new ByteArrayInputStream(jpeg));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theRetrainFormSendsOneRetrainCommandKeyedByModelName() throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    TopicSerdes serdes = TopicSerdes.connect(connection);
    try (DashboardServer dashboard = start(connection);
        MetricsEndpoint metrics =
            MetricsEndpoint.start("127.0.0.1", 0, DashboardMetricFamilies.of(dashboard))) {
      HttpResponse<String> sent =
          post(
              dashboard,
              "application/json",
              "{\"epochs\":\"3\",\"learningRate\":\"0.01\",\"batchSize\":\"64\",\"optimizer\":\"SGD\",\"mode\":\"fine-tune\"}");
      assertEquals(202, sent.statusCode(), sent.body());
      String commandId = json.readTree(sent.body()).get("commandId").asText();

      List<ConsumerRecord<String, ControlCommand>> commands =
          TopicRecords.readAtLeast(
              connection,
              connection.topics().control(),
              serdes.keys().deserializer(),
              serdes.commands().deserializer(),
              1);
      assertEquals(1, commands.size());
      assertEquals("deep-emotion", commands.get(0).key());
      ControlCommand command = commands.get(0).value();
      assertEquals(commandId, command.getCommandId());
      assertEquals(CommandType.RETRAIN, command.getType());
      assertEquals(TrainingMode.FINE_TUNE, command.getMode());
      assertEquals(3, command.getEpochs());
      assertEquals(0.01, command.getLearningRate(), 1e-12);
      assertEquals(64, command.getBatchSize());
      assertEquals("sgd", command.getOptimizer());
      assertNull(command.getMomentum(), "fields the form leaves out take the trainer's defaults");

      String scraped =
          http.send(
                  HttpRequest.newBuilder(URI.create(metrics.url())).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertTrue(scraped.contains("emotion_dashboard_commands_sent_total 1.0"), scraped);
    }
  }

  @Test
  void refusesABadFormWithAClearMessageAndSendsNothing() throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    TopicSerdes serdes = TopicSerdes.connect(connection);
    try (DashboardServer dashboard = start(connection)) {
      HttpResponse<String> words = post(dashboard, "application/json", "{\"epochs\":\"three\"}");
      assertEquals(400, words.statusCode());
      assertEquals(
          "epochs must be a whole number, got 'three'",
          json.readTree(words.body()).get("error").asText());
      HttpResponse<String> mode = post(dashboard, "application/json", "{\"mode\":\"sideways\"}");
      assertEquals(
          "mode must be scratch or fine-tune, got 'sideways'",
          json.readTree(mode.body()).get("error").asText());
      assertEquals(400, post(dashboard, "application/json", "{not json").statusCode());
      assertEquals(
          415, post(dashboard, "application/x-www-form-urlencoded", "epochs=3").statusCode());
      HttpResponse<String> foreign =
          http.send(
              request(dashboard, "/api/retrain")
                  .header("Content-Type", "application/json")
                  .header("Origin", "http://evil.example")
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(403, foreign.statusCode());
      assertEquals(0, dashboard.commandsSent());

      // A good form after the bad ones: it is the only command on the topic.
      String good =
          json.readTree(post(dashboard, "application/json", "{}").body()).get("commandId").asText();
      List<ConsumerRecord<String, ControlCommand>> commands =
          TopicRecords.readAtLeast(
              connection,
              connection.topics().control(),
              serdes.keys().deserializer(),
              serdes.commands().deserializer(),
              1);
      assertEquals(List.of(good), commands.stream().map(r -> r.value().getCommandId()).toList());
    }
  }

  @Test
  void answersOnlyRequestsNamingItsOwnHostSoADnsRebindingPageGetsNothing() throws Exception {
    try (DashboardServer dashboard =
        DashboardServer.start(
            FreshTopics.on(kafka.cluster()),
            DashboardSettings.defaults(ModelNames.DEFAULT)
                .withPort(0)
                .withAllowedHosts(List.of("Emotion.Example.org")))) {
      int port = dashboard.port();
      String rebound = rawRequest(dashboard, "GET /api/snapshot", "evil.example:" + port);
      assertTrue(rebound.startsWith("HTTP/1.1 421 "), rebound);
      assertTrue(
          rebound.endsWith(
              "this dashboard answers to localhost, 127.0.0.1, [::1], emotion.example.org, "
                  + "not to evil.example:"
                  + port
                  + "\n"),
          rebound);
      String post =
          rawRequest(
              dashboard,
              "POST /api/retrain",
              "evil.example",
              "Content-Type: application/json",
              "Content-Length: 2",
              "",
              "{}");
      assertTrue(post.startsWith("HTTP/1.1 421 "), post);
      assertEquals(0, dashboard.commandsSent());
      assertTrue(
          rawRequest(dashboard, "GET /", "localhost.evil.example").startsWith("HTTP/1.1 421 "));

      for (String host :
          List.of(
              "localhost:" + port,
              "127.0.0.1:" + port,
              "[::1]:" + port,
              "LOCALHOST",
              "emotion.example.org",
              "emotion.example.org.:443")) {
        String answer = rawRequest(dashboard, "GET /api/snapshot", host);
        assertTrue(answer.startsWith("HTTP/1.1 200 "), host + ": " + answer);
      }
    }
  }

  /**
   * One HTTP/1.1 request written by hand, as the JDK's client will not send a Host header of the
   * caller's.
   */
  private static String rawRequest(
      DashboardServer dashboard, String requestLine, String host, String... rest) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", dashboard.port())) {
      socket.setSoTimeout(30_000);
      String head = requestLine + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n";
      String request = rest.length == 0 ? head + "\r\n" : head + String.join("\r\n", rest);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static DashboardServer start(ConnectionSettings connection) {
    return DashboardServer.start(
        connection, DashboardSettings.defaults(ModelNames.DEFAULT).withPort(0));
  }

  private JsonNode nextSnapshot(BufferedReader lines) {
    try {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("data: ")) {
          return json.readTree(line.substring(6));
        }
      }
      throw new IllegalStateException("the event stream ended");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static HttpRequest.Builder request(DashboardServer dashboard, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard.port() + path))
        .timeout(Duration.ofSeconds(30));
  }

  private HttpResponse<String> get(DashboardServer dashboard, String path) throws Exception {
    return http.send(request(dashboard, path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(DashboardServer dashboard, String type, String body)
      throws Exception {
    return http.send(
        request(dashboard, "/api/retrain")
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
