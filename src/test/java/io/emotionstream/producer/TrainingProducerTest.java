package io.emotionstream.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.TrainingExample;
import io.emotionstream.avro.Usage;
import io.emotionstream.data.Fer2013Reader;
import io.emotionstream.data.SplitRule;
import io.emotionstream.kafka.LocalCluster;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TopicRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class TrainingProducerTest {
  @RegisterExtension
  static final SharedCluster kafka =
      new SharedCluster(LocalCluster.Settings.temporary().withPartitions(2));

  @Test
  void sendsEveryValidRowOnceAndEveryMalformedRowToDeadLettersWithItsLineNumber(@TempDir Path dir)
      throws IOException {
    // Given a Kaggle-format CSV of 50 good rows with three malformed ones among them
    List<String> lines = new ArrayList<>();
    lines.add("emotion,pixels,Usage");
    for (int i = 0; i < 50; i++) {
      lines.add(row(i % 7, i, i % 2 == 0 ? "Training" : "PublicTest"));
      if (i == 10) {
        lines.add("3,1 2 3,Training"); // line 13: too few pixels
      }
      if (i == 20) {
        lines.add("8," + pixels(i) + ",Training"); // line 24: no such class
      }
      if (i == 30) {
        lines.add(
            "2," + pixels(i).replaceFirst("^\\d+", "256") + ",Training"); // line 35: out of range
      }
    }
    Path csv = dir.resolve("faces.csv");
    Files.write(csv, lines, StandardCharsets.UTF_8);

    // When it is produced
    ProduceSummary summary;
    try (Fer2013Reader reader = Fer2013Reader.open(csv, SplitRule.seedRule());
        TrainingProducer producer =
            new TrainingProducer(kafka.cluster().connection(), kafka.serdes())) {
      summary = producer.send(reader, RatePacer.unlimited(), read -> {});
    }

    // Then the summary and the topics agree: 50 examples, each once, and three dead letters
    assertEquals(50, summary.sent());
    assertEquals(3, summary.rejected());
    assertTrue(summary.complete());

    List<ConsumerRecord<String, TrainingExample>> examples =
        TopicRecords.readAtLeast(
            kafka.cluster().connection(),
            kafka.cluster().connection().topics().training(),
            kafka.serdes().keys().deserializer(),
            kafka.serdes().trainingExamples().deserializer(),
            50);
    assertEquals(50, examples.size(), "every valid row exactly once");
    Map<String, TrainingExample> byId =
        examples.stream().collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
    TrainingExample first = byId.get("faces.csv:2");
    assertEquals(0, first.getLabel().ordinal());
    assertEquals(Usage.TRAINING, first.getUsage());
    assertEquals(2304, first.getPixels().remaining());
    assertEquals(Usage.VALIDATION, byId.get("faces.csv:3").getUsage());

    List<ConsumerRecord<String, DeadLetter>> letters =
        TopicRecords.readAtLeast(
            kafka.cluster().connection(),
            kafka.cluster().connection().topics().deadLetters(),
            kafka.serdes().keys().deserializer(),
            kafka.serdes().deadLetters().deserializer(),
            3);
    Map<String, DeadLetter> byLocation =
        letters.stream()
            .map(ConsumerRecord::value)
            .collect(Collectors.toMap(DeadLetter::getLocation, Function.identity()));
    assertEquals(
        List.of("faces.csv:13", "faces.csv:24", "faces.csv:35"),
        byLocation.keySet().stream().sorted().toList());
    assertTrue(
        byLocation.get("faces.csv:13").getReason().contains("2304"),
        byLocation.get("faces.csv:13").getReason());
    assertEquals(TrainingProducer.STAGE, byLocation.get("faces.csv:24").getStage());
    assertEquals(
        "3,1 2 3,Training",
        StandardCharsets.UTF_8.decode(byLocation.get("faces.csv:13").getPayload()).toString());
  }

  private static String row(int label, int seed, String usage) {
    return label + "," + pixels(seed) + "," + usage;
  }

  private static String pixels(int seed) {
    StringJoiner joiner = new StringJoiner(" ");
    for (int p = 0; p < 2304; p++) {
      joiner.add(String.valueOf((p * 31 + seed * 17) % 256));
    }
    return joiner.toString();
  }
}
