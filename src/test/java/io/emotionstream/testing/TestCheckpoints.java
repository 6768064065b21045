package io.emotionstream.testing;

import ai.djl.Device;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.control.ModelNames;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.Sha256;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.model.Checkpoint;
import io.emotionstream.model.CheckpointFile;
import io.emotionstream.model.DeepEmotion;
import io.emotionstream.model.EmotionModel;
import io.emotionstream.model.Hyperparameters;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Real Deep-Emotion checkpoint records, freshly initialised from a seed, and their publishing, as
 * the trainer does.
 */
public final class TestCheckpoints {
  private TestCheckpoints() {}

  /** Publishes {@code checkpoint} under its model name and waits until the broker has it. */
  public static void publish(
      ConnectionSettings connection, TopicSerdes serdes, ModelCheckpoint checkpoint)
      throws Exception {
    // A checkpoint record (~270 KB of weights) is within the default 1 MB, but not by a wide
    // margin.
    try (KafkaProducer<String, ModelCheckpoint> producer =
        new KafkaProducer<>(
            connection.clientConfig(
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024)),
            serdes.keys().serializer(),
            serdes.checkpoints().serializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  connection.topics().checkpoints(), checkpoint.getModelName(), checkpoint))
          .get();
    }
  }

  public static ModelCheckpoint deepEmotion(long version, long seed) {
    byte[] file;
    try (EmotionModel model = EmotionModel.initialised(0.5f, seed, Device.cpu())) {
      file =
          CheckpointFile.toBytes(Checkpoint.untrained(model.weights(), Hyperparameters.DEFAULTS));
    }
    return ModelCheckpoint.newBuilder()
        .setModelName(ModelNames.DEFAULT)
        .setVersion(version)
        .setRunId("test-run-" + version)
        .setEpoch(1)
        .setTotalEpochs(1)
        .setArchitecture(DeepEmotion.ARCHITECTURE)
        .setArchitectureVersion(DeepEmotion.ARCHITECTURE_VERSION)
        .setHyperparameters(Hyperparameters.DEFAULTS.toAvro())
        .setWeights(ByteBuffer.wrap(file))
        .setSha256(Sha256.hex(file))
        .setCreatedTimeMs(Instant.now())
        .build();
  }
}
