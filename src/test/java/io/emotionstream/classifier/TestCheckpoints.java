package io.emotionstream.classifier;

import ai.djl.Device;
import io.emotionstream.avro.Hyperparameters;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.kafka.Sha256;
import io.emotionstream.model.Checkpoint;
import io.emotionstream.model.CheckpointFile;
import io.emotionstream.model.DeepEmotion;
import io.emotionstream.model.EmotionModel;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

/** Real Deep-Emotion checkpoint records, freshly initialised from a seed, as the trainer would publish them. */
final class TestCheckpoints {
  private TestCheckpoints() {}

  static ModelCheckpoint deepEmotion(long version, long seed) {
    byte[] file;
    try (EmotionModel model = EmotionModel.initialised(0.5f, seed, Device.cpu())) {
      file = CheckpointFile.toBytes(Checkpoint.of(1, Map.of(), Map.of(), model.weights()));
    }
    return ModelCheckpoint.newBuilder()
        .setModelName(ClassifierSettings.DEFAULT_MODEL_NAME)
        .setVersion(version)
        .setRunId("test-run-" + version)
        .setEpoch(1)
        .setTotalEpochs(1)
        .setArchitecture(DeepEmotion.ARCHITECTURE)
        .setArchitectureVersion(DeepEmotion.ARCHITECTURE_VERSION)
        .setHyperparameters(Hyperparameters.newBuilder().setEpochs(1).setLearningRate(0.005).setBatchSize(128)
            .setOptimizer("adam").setMomentum(0.9).setWeightDecay(0).setDropout(0.5).setLoss("cross-entropy")
            .setSeed(seed).build())
        .setWeights(ByteBuffer.wrap(file))
        .setSha256(Sha256.hex(file))
        .setCreatedTimeMs(Instant.now())
        .build();
  }
}
