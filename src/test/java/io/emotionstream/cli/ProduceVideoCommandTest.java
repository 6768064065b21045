package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.testing.ChildProcess;
import io.emotionstream.testing.CommandRun;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TopicRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class ProduceVideoCommandTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();

  @Test
  void aMissingCameraIsOneClearErrorAndANonZeroExit() {
    assumeFalse(Files.exists(Path.of("/dev/video0")), "this machine has a camera");
    ConnectionSettings settings = FreshTopics.on(kafka.cluster());

    CommandRun result = CommandRun.against(settings, "produce", "frames", "--camera", "--quiet");

    assertEquals(1, result.exitCode());
    assertEquals(1, result.err().lines().count(), result.err());
    assertTrue(
        result.err().startsWith("error: cannot open camera /dev/video0: No such file or directory"),
        result.err());
  }

  @Test
  void aVideoThatIsNotThereOrIsNoVideoIsAClearError(@TempDir Path dir) throws Exception {
    ConnectionSettings settings = FreshTopics.on(kafka.cluster());
    Path text = Files.writeString(dir.resolve("notes.mp4"), "not a video at all");

    CommandRun missing =
        CommandRun.against(
            settings,
            "produce",
            "frames",
            "--video",
            dir.resolve("gone.mp4").toString(),
            "--quiet");
    CommandRun notVideo =
        CommandRun.against(settings, "produce", "frames", "--video", text.toString(), "--quiet");

    assertEquals(1, missing.exitCode());
    assertTrue(missing.err().startsWith("error: no such file: "), missing.err());
    assertEquals(1, notVideo.exitCode());
    assertTrue(
        notVideo.err().startsWith("error: cannot open video file " + text + ": Invalid data found"),
        notVideo.err());
  }

  @Test
  void ctrlCEndsALiveRunCleanlyWithEverythingCountedSent(@TempDir Path dir) throws Exception {
    ConnectionSettings settings = FreshTopics.on(kafka.cluster());
    Path log = dir.resolve("produce.log");
    try (ChildProcess producer =
        ChildProcess.emotion(
            log,
            "produce",
            "frames",
            "--quiet",
            "--video",
            "testsrc2=size=320x240:rate=25,realtime",
            "--input-format",
            "lavfi",
            "--publish-scenes",
            "--bootstrap-servers",
            settings.bootstrapServers(),
            "--registry-url",
            settings.registryUrl(),
            "--topic-prefix",
            settings.topics().prefix())) {
      TopicRecords.readAtLeast(
          settings,
          settings.topics().scenes(),
          kafka.serdes().keys().deserializer(),
          kafka.serdes().scenes().deserializer(),
          10);
      producer.terminate(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hooks run

      assertEquals(
          143,
          producer.awaitExit(Duration.ofSeconds(60)),
          "the JVM's exit on SIGTERM, once its hooks are done");
    }
    String output = Files.readString(log);
    Matcher summary = Pattern.compile("(\\d+) scenes published; .*; stopped -> ").matcher(output);
    assertTrue(summary.find(), output);
    long published = Long.parseLong(summary.group(1));
    assertEquals(
        published,
        TopicRecords.readAtLeast(
                settings,
                settings.topics().scenes(),
                kafka.serdes().keys().deserializer(),
                kafka.serdes().scenes().deserializer(),
                (int) published)
            .size(),
        "every scene the summary counts is in the topic: the producer was flushed");
  }
}
