package io.emotionstream.trainer;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.PromotionPolicy;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.avro.ServingState;
import io.emotionstream.control.ModelNames;
import io.emotionstream.model.Hyperparameters;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Serving states and accuracy reports as the classifiers write them, for the drift policy's tests.
 */
final class DriftRecords {
  static final String MODEL = ModelNames.DEFAULT;

  private DriftRecords() {}

  /**
   * {@code version} served, whose checkpoint scored {@code validationAccuracy} (null: not scored).
   */
  static ServingState serving(long version, Double validationAccuracy) {
    return serving(version, validationAccuracy, null);
  }

  static ServingState serving(long version, Double validationAccuracy, Long candidateVersion) {
    return ServingState.newBuilder()
        .setModelName(MODEL)
        .setServing(checkpoint(version, validationAccuracy))
        .setCandidateVersion(candidateVersion)
        .setPolicy(PromotionPolicy.GUARDED)
        .setDecision(
            candidateVersion == null ? ServingDecision.PROMOTED : ServingDecision.CANDIDATE)
        .setReason("test")
        .setTimeMs(Instant.now())
        .build();
  }

  /**
   * A checkpoint record whose weights are placeholders: the drift policy reads only its version and
   * figures.
   */
  static ModelCheckpoint checkpoint(long version, Double validationAccuracy) {
    return ModelCheckpoint.newBuilder()
        .setModelName(MODEL)
        .setVersion(version)
        .setRunId("run-" + version)
        .setEpoch(1)
        .setTotalEpochs(1)
        .setArchitecture("deep-emotion")
        .setArchitectureVersion(1)
        .setHyperparameters(Hyperparameters.DEFAULTS.toAvro())
        .setValidationAccuracy(validationAccuracy)
        .setWeights(ByteBuffer.wrap(new byte[16]))
        .setSha256("00")
        .setCreatedTimeMs(Instant.now())
        .build();
  }

  /**
   * The report of {@code version} over the window starting {@code windowStart}: correct of total
   * right.
   */
  static AccuracyReport accuracy(long version, Instant windowStart, long total, long correct) {
    List<List<Long>> confusion = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      confusion.add(new ArrayList<>(Collections.nCopies(7, 0L)));
    }
    return AccuracyReport.newBuilder()
        .setModelVersion(version)
        .setWindowStartMs(windowStart)
        .setWindowEndMs(windowStart.plusSeconds(60))
        .setTotal(total)
        .setCorrect(correct)
        .setAccuracy((double) correct / total)
        .setPerClassRecall(new ArrayList<>(Collections.nCopies(7, (Double) null)))
        .setConfusion(confusion)
        .build();
  }
}
