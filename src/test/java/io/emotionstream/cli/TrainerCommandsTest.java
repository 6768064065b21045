package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.TrainingExample;
import io.emotionstream.avro.Usage;
import io.emotionstream.data.FaceSet;
import io.emotionstream.data.SyntheticFaces;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.model.Checkpoint;
import io.emotionstream.model.CheckpointFile;
import io.emotionstream.model.EmotionModel;
import io.emotionstream.model.Hyperparameters;
import io.emotionstream.testing.CommandRun;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TopicRecords;
import io.emotionstream.trainer.TrainerService;
import io.emotionstream.trainer.TrainerSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class TrainerCommandsTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();
  private ConnectionSettings settings;

  @BeforeEach
  void freshTopics() {
    settings = FreshTopics.on(kafka.cluster());
  }

  @Test
  void retrainFollowPrintsALinePerEpochAndExitsZeroWhenTheRunCompletes() {
    produceFaces();
    try (TrainerService trainer =
        TrainerService.start(settings, kafka.serdes(), TrainerSettings.defaults())) {
      CommandRun result =
          run("retrain", "--epochs", "2", "--batch-size", "16", "--lr", "0.001", "--follow");

      assertEquals(0, result.exitCode(), result.out());
      List<String> lines = result.out().lines().toList();
      assertTrue(lines.get(0).startsWith("command "), result.out());
      assertEquals(
          1,
          lines.stream().filter(l -> l.contains("EPOCH_COMPLETED epoch 1/2")).count(),
          result.out());
      assertEquals(
          1,
          lines.stream().filter(l -> l.contains("EPOCH_COMPLETED epoch 2/2")).count(),
          result.out());
      assertTrue(lines.get(lines.size() - 1).contains("COMPLETED epoch 2/2"), result.out());
    }
  }

  @Test
  void retrainRefusesWhatTheTrainerWouldRejectAndSendsNothing() {
    CommandRun negativeRate = run("retrain", "--lr", "-1");
    CommandRun unknownOptimizer = run("retrain", "--optimizer", "adagrad");

    assertEquals(2, negativeRate.exitCode(), negativeRate.out());
    assertEquals(
        "error: learning rate must be a finite number greater than 0, got -1.0",
        negativeRate.err().strip());
    assertEquals(2, unknownOptimizer.exitCode(), unknownOptimizer.out());
    assertTrue(
        unknownOptimizer.err().contains("unknown optimizer 'adagrad'"), unknownOptimizer.err());
    assertEquals(List.of(), commandsSent(0), "no command sent");
  }

  @Test
  void retrainFollowSaysWhenNoTrainerHasPickedTheCommandUpAndStopsAtTheTimeout() {
    CommandRun result = run("retrain", "--follow", "--timeout", "7s");

    assertEquals(1, result.exitCode(), result.out());
    List<String> lines = result.out().lines().toList();
    assertEquals(2, lines.size(), result.out());
    String commandId = lines.get(0).split(" ")[1];
    assertEquals(
        "no trainer has picked up command "
            + commandId
            + " yet (is a trainer running for model "
            + "'deep-emotion'?); still waiting",
        lines.get(1));
    assertTrue(
        result
            .err()
            .startsWith(
                "error: run run-" + commandId + " has not ended after 7s; the command stays"),
        result.err());
    assertEquals(
        commandId, commandsSent(1).get(0).getCommandId(), "the command stays for a trainer to run");
  }

  @Test
  void publishCheckpointSendsAModelFileAsTheNextVersionAndRefusesAFileThatIsNone(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("model.ckpt");
    try (EmotionModel model = EmotionModel.initialised(0.5f, 1, Device.cpu())) {
      CheckpointFile.write(Checkpoint.untrained(model.weights(), Hyperparameters.DEFAULTS), file);
    }

    CommandRun first = run("publish-checkpoint", "--model", file.toString());
    CommandRun second =
        run("publish-checkpoint", "--model", file.toString(), "--model-name", "deep-emotion");
    Path broken =
        Files.write(dir.resolve("broken.ckpt"), "not a model".getBytes(StandardCharsets.UTF_8));
    CommandRun refused = run("publish-checkpoint", "--model", broken.toString());

    assertEquals(0, first.exitCode(), first.err());
    assertTrue(first.out().contains("deep-emotion version 1 "), first.out());
    assertTrue(second.out().contains("deep-emotion version 2 "), second.out());
    assertEquals(1, refused.exitCode());
    assertTrue(
        refused.err().contains("broken.ckpt: not an emotion-stream checkpoint"), refused.err());
  }

  private List<ControlCommand> commandsSent(int atLeast) {
    return TopicRecords.readAtLeast(
            settings,
            settings.topics().control(),
            kafka.serdes().keys().deserializer(),
            kafka.serdes().commands().deserializer(),
            atLeast)
        .stream()
        .map(ConsumerRecord::value)
        .toList();
  }

  private CommandRun run(String... args) {
    return CommandRun.against(settings, args);
  }

  private void produceFaces() {
    FaceSet training = SyntheticFaces.generate(10, 1, SyntheticFaces.Variation.NONE);
    FaceSet validation = SyntheticFaces.generate(2, 2, SyntheticFaces.Variation.NONE);
    try (KafkaProducer<String, TrainingExample> producer =
        new KafkaProducer<>(
            settings.clientConfig(
                Map.of(
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    false,
                    ProducerConfig.ACKS_CONFIG,
                    "all")),
            kafka.serdes().keys().serializer(),
            kafka.serdes().trainingExamples().serializer())) {
      for (FaceSet faces : List.of(training, validation)) {
        Usage usage = faces == training ? Usage.TRAINING : Usage.VALIDATION;
        for (int i = 0; i < faces.size(); i++) {
          String id = usage + "-" + i;
          producer.send(
              new ProducerRecord<>(
                  settings.topics().training(),
                  id,
                  TrainingExample.newBuilder()
                      .setExampleId(id)
                      .setLabel(faces.label(i))
                      .setPixels(ByteBuffer.wrap(faces.pixels(i)))
                      .setUsage(usage)
                      .build()));
        }
      }
    }
  }
}
