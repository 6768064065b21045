package io.emotionstream.testing;

import ai.djl.Device;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.classifier.ClassifierSettings;
import io.emotionstream.kafka.Sha256;
import io.emotionstream.model.Checkpoint;
import io.emotionstream.model.Hyperparameters;
import io.emotionstream.model.CheckpointFile;
import io.emotionstream.model.DeepEmotion;
import io.emotionstream.model.EmotionModel;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Real Deep-Emotion checkpoint records, freshly initialised from a seed, as the trainer would publish them. */
public final class TestCheckpoints {
  private TestCheckpoints() {}

  public static ModelCheckpoint deepEmotion(long version, long seed) {
    byte[] file;
    try (EmotionModel model = EmotionModel.initialised(0.5f, seed, Device.cpu())) {
      file = CheckpointFile.toBytes(Checkpoint.untrained(model.weights(), Hyperparameters.DEFAULTS));
    }
    return ModelCheckpoint.newBuilder()
        .setModelName(ClassifierSettings.DEFAULT_MODEL_NAME)
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
