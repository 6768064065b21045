package io.emotionstream.classifier;

import io.emotionstream.avro.Hyperparameters;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.PromotionPolicy;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.avro.ServingState;
import io.emotionstream.control.ModelNames;
import io.emotionstream.kafka.Sha256;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * A stand-in model whose predictions a topology test can compute by hand: the predicted class is
 * (first pixel + shift) mod 7 with probability 0.76, where the shift is the checkpoint's one weight
 * byte. Integration tests serve the real network; this one lets batching, swaps and windows be
 * checked exactly.
 */
final class RuleModels implements ModelLoader {

  static int predicted(int firstPixel, int shift) {
    return (firstPixel + shift) % 7;
  }

  static ModelCheckpoint checkpoint(long version, int shift) {
    byte[] weights = {(byte) shift};
    return ModelCheckpoint.newBuilder()
        .setModelName(ModelNames.DEFAULT)
        .setVersion(version)
        .setRunId("run-" + version)
        .setEpoch(1)
        .setTotalEpochs(1)
        .setArchitecture("rule")
        .setArchitectureVersion(1)
        .setHyperparameters(
            Hyperparameters.newBuilder()
                .setEpochs(1)
                .setLearningRate(0.005)
                .setBatchSize(128)
                .setOptimizer("adam")
                .setMomentum(0.9)
                .setWeightDecay(0)
                .setDropout(0.5)
                .setLoss("cross-entropy")
                .setSeed(1)
                .build())
        .setWeights(ByteBuffer.wrap(weights))
        .setSha256(Sha256.hex(weights))
        .setCreatedTimeMs(Instant.ofEpochMilli(0))
        .build();
  }

  /**
   * A serving decision naming {@code serving}, and {@code candidateVersion} (or none) as its
   * candidate.
   */
  static ServingState decision(ModelCheckpoint serving, Long candidateVersion) {
    return ServingState.newBuilder()
        .setModelName(serving.getModelName())
        .setServing(serving)
        .setCandidateVersion(candidateVersion)
        .setPolicy(PromotionPolicy.GUARDED)
        .setDecision(
            candidateVersion == null ? ServingDecision.PROMOTED : ServingDecision.CANDIDATE)
        .setReason("test")
        .setTimeMs(Instant.ofEpochMilli(0))
        .build();
  }

  @Override
  public FaceClassifier load(ModelCheckpoint checkpoint) {
    if (!"rule".equals(checkpoint.getArchitecture())) {
      throw new RefusedCheckpointException(
          "architecture " + checkpoint.getArchitecture() + " is not rule", null);
    }
    int shift = checkpoint.getWeights().get(0);
    return new FaceClassifier() {
      @Override
      public float[][] probabilities(byte[][] faces) {
        float[][] result = new float[faces.length][7];
        for (int i = 0; i < faces.length; i++) {
          java.util.Arrays.fill(result[i], 0.04f);
          result[i][predicted(faces[i][0] & 0xff, shift)] = 0.76f;
        }
        return result;
      }

      @Override
      public void close() {}
    };
  }
}
