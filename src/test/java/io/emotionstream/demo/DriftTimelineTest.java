package io.emotionstream.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.Hyperparameters;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.PromotionPolicy;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.avro.ServingState;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.control.Commands;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class DriftTimelineTest {
  private static final Instant LONG_AGO = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void theLoopClosesOnlyOnceAVersionTrainedAfterTheRetrainServesAndHasItsAccuracy() {
    DriftTimeline timeline = new DriftTimeline();
    timeline.driftStarted(report(12, 0.93, LONG_AGO));
    timeline.servingAccuracy(report(12, 0.41, Instant.now().plusSeconds(1)));
    ControlCommand retrain =
        Commands.retrain().setReason("accuracy fell").setRequestedBy("drift-policy").build();
    timeline.retrainSent(retrain, 12);
    timeline.decided(decision(12, ServingDecision.PROMOTED)); // not trained after the retrain
    timeline.end(report(12, 0.41, Instant.now()));
    assertFalse(timeline.retrainedVersionServes());
    assertFalse(timeline.loopClosed());

    timeline.decided(decision(13, ServingDecision.PROMOTED));
    timeline.runFinished(
        TrainingStatus.newBuilder()
            .setRunId(Commands.runId(retrain.getCommandId()))
            .setState(RunState.COMPLETED)
            .setEpoch(4)
            .setTotalEpochs(4)
            .setValidationAccuracy(0.9)
            .setTimeMs(Instant.now())
            .build());
    timeline.decided(decision(15, ServingDecision.PROMOTED));
    assertTrue(timeline.retrainedVersionServes());
    timeline.end(report(15, 0.58, Instant.now()));
    assertTrue(timeline.loopClosed());

    String lines = String.join("\n", timeline.describe());
    assertTrue(lines.contains("accuracy before the drift   93.0% (v12"), lines);
    assertTrue(lines.contains("down to 41.0% (v12"), lines);
    assertTrue(lines.contains("by drift-policy: accuracy fell"), lines);
    assertTrue(lines.contains("COMPLETED, validation accuracy 90.0%"), lines);
    assertTrue(lines.contains(", v13: promoted; the run's later v15 serves at the end"), lines);
    assertTrue(lines.contains("accuracy after              58.0% (v15"), lines);
  }

  private static AccuracyReport report(long version, double accuracy, Instant windowStart) {
    return AccuracyReport.newBuilder()
        .setModelVersion(version)
        .setWindowStartMs(windowStart)
        .setWindowEndMs(windowStart.plusSeconds(60))
        .setTotal(100)
        .setCorrect(Math.round(accuracy * 100))
        .setAccuracy(accuracy)
        .setPerClassRecall(Collections.nCopies(7, null))
        .setConfusion(Collections.nCopies(7, Collections.nCopies(7, 0L)))
        .build();
  }

  private static ServingState decision(long version, ServingDecision decision) {
    ModelCheckpoint checkpoint =
        ModelCheckpoint.newBuilder()
            .setModelName("deep-emotion")
            .setVersion(version)
            .setRunId("run")
            .setEpoch(1)
            .setTotalEpochs(1)
            .setArchitecture("deep-emotion")
            .setArchitectureVersion(1)
            .setHyperparameters(
                Hyperparameters.newBuilder()
                    .setEpochs(1)
                    .setLearningRate(0.002)
                    .setBatchSize(64)
                    .setOptimizer("adam")
                    .setMomentum(0.9)
                    .setWeightDecay(0)
                    .setDropout(0.5)
                    .setLoss("cross-entropy")
                    .setSeed(1)
                    .build())
            .setWeights(ByteBuffer.allocate(1))
            .setSha256("00")
            .setCreatedTimeMs(Instant.now())
            .build();
    return ServingState.newBuilder()
        .setModelName("deep-emotion")
        .setServing(checkpoint)
        .setPolicy(PromotionPolicy.GUARDED)
        .setDecision(decision)
        .setReason("promoted")
        .setTimeMs(Instant.now())
        .build();
  }
}
