package io.emotionstream.monitor;

import static io.emotionstream.monitor.MonitorRecords.accuracy;
import static io.emotionstream.monitor.MonitorRecords.checkpoint;
import static io.emotionstream.monitor.MonitorRecords.event;
import static io.emotionstream.monitor.MonitorRecords.publish;
import static io.emotionstream.monitor.MonitorRecords.status;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.cli.EmotionCli;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.ServingRecords;
import io.emotionstream.testing.SharedCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code emotion monitor} as a user runs it, against a real broker and registry. */
@IntegrationTest
class MonitorCommandTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();

  @Test
  void showsAnAccuracyReportWrittenWhileItRunsButNotOlderOnes() throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    TopicSerdes serdes = TopicSerdes.connect(connection);
    Instant now = Instant.now();
    publish(
        connection,
        connection.topics().accuracy(),
        serdes.accuracyReports().serializer(),
        List.of(accuracy(1, now.minusSeconds(600), 400, 100)),
        r -> String.valueOf(r.getModelVersion()));
    publish(
        connection,
        connection.topics().checkpoints(),
        serdes.checkpoints().serializer(),
        List.of(checkpoint("deep-emotion", 4, 0.58, now.minusSeconds(300))),
        c -> c.getModelName());
    ServingRecords.publish(
        connection,
        serdes,
        ServingRecords.decision(
                ServingDecision.PROMOTED,
                ServingRecords.checkpoint(3, 0.55),
                "promoted by hand: v4 misreads glasses",
                now.minusSeconds(200))
            .build());

    StringWriter output = new StringWriter();
    CompletableFuture<Integer> run =
        CompletableFuture.supplyAsync(
            () ->
                EmotionCli.commandLine()
                    .setOut(new PrintWriter(output, true))
                    .execute(monitorArgs(connection, "--plain", "--duration", "12s")));

    await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains("watching "));
    publish(
        connection,
        connection.topics().accuracy(),
        serdes.accuracyReports().serializer(),
        List.of(accuracy(4, now, 32, 26)),
        r -> String.valueOf(r.getModelVersion()));
    publish(
        connection,
        connection.topics().trainerStatus(),
        serdes.trainingStatuses().serializer(),
        List.of(status("run-77", RunState.EPOCH_COMPLETED, 3, 10, 1.234, 0.41, now)),
        s -> s.getRunId());
    List<EmotionEvent> events =
        List.of(
            event("f1", Emotion.HAPPY, 0.9f, 4, Instant.now(), null),
            event("f2", Emotion.HAPPY, 0.8f, 4, Instant.now(), null),
            event("f3", Emotion.SAD, 0.7f, 4, Instant.now(), null));
    publish(
        connection,
        connection.topics().events(),
        serdes.events().serializer(),
        events,
        e -> e.getSourceId());

    assertEquals(0, run.get().intValue());
    String text = output.toString();
    // 26 of 32 correct: the report written while the monitor ran, with its version and counts.
    assertTrue(text.contains("v4") && text.contains("81.3% 26/32"), text);
    // The report of version 1 was written before the monitor started, which reads from the end.
    assertFalse(text.contains("25.0% 100/400"), text);
    // The checkpoints topic is read whole: the current model shows although it came before.
    assertTrue(text.contains("model: deep-emotion v4"), text);
    // So is the serving topic: version 3 serves although version 4 is the newest checkpoint.
    assertTrue(text.contains("serving: deep-emotion v3  policy GUARDED  candidate none"), text);
    assertTrue(text.contains(" PROMOTED    v3: promoted by hand: v4 misreads glasses"), text);
    assertTrue(text.contains("run-77 EPOCH_COMPLETED"), text);
    assertTrue(text.contains("epoch 3/10"), text);
    assertTrue(text.matches("(?s).*happy\\s+\\[#+\\.*\\]\\s+66\\.7% \\(2\\).*"), text);
    assertFalse(text.contains("\033["), "plain output has no escape codes");
  }

  @Test
  void replaysFromTheBeginningAndSkipsARecordItCannotRead() throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    TopicSerdes serdes = TopicSerdes.connect(connection);
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(
            connection.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
      raw.send(
              new ProducerRecord<>(
                  connection.topics().accuracy(), "x", "not avro".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
    AccuracyReport report = accuracy(9, Instant.now().minusSeconds(3600), 10, 7);
    publish(
        connection,
        connection.topics().accuracy(),
        serdes.accuracyReports().serializer(),
        List.of(report),
        r -> "9");

    StringWriter output = new StringWriter();
    int exit =
        EmotionCli.commandLine()
            .setOut(new PrintWriter(output, true))
            .execute(monitorArgs(connection, "--plain", "--from-beginning", "--duration", "5s"));

    assertEquals(0, exit);
    String text = output.toString();
    assertTrue(text.contains("70.0% 7/10"), text);
    assertTrue(
        text.contains("unreadable records: 1 (last: " + connection.topics().accuracy() + "-0@0"),
        text);
  }

  @Test
  void aMissingTopicIsAOneLineErrorAndExitCodeOne() {
    StringWriter errors = new StringWriter();
    ConnectionSettings connection = kafka.cluster().connection();
    int exit =
        EmotionCli.commandLine()
            .setErr(new PrintWriter(errors, true))
            .execute(
                "monitor",
                "--bootstrap-servers",
                connection.bootstrapServers(),
                "--registry-url",
                connection.registryUrl(),
                "--topic-prefix",
                "nothing-here.",
                "--plain",
                "--duration",
                "1s");
    assertEquals(1, exit);
    assertTrue(errors.toString().startsWith("error: topic nothing-here."), errors.toString());
    assertTrue(errors.toString().contains("does not exist"), errors.toString());
  }

  private static String[] monitorArgs(ConnectionSettings connection, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "monitor",
                "--bootstrap-servers",
                connection.bootstrapServers(),
                "--registry-url",
                connection.registryUrl(),
                "--topic-prefix",
                connection.topics().prefix(),
                "--refresh",
                "500ms"));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }
}
