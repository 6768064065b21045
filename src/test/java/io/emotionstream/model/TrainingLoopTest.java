package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.emotionstream.data.FaceSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TrainingLoopTest {
  private static final Hyperparameters QUICK = Hyperparameters.DEFAULTS.withEpochs(2).withBatchSize(32);

  @Test
  void learnsASimpleSetFarBeyondChance() {
    FaceSet training = LearnableFaces.generate(20, 1);
    FaceSet validation = LearnableFaces.generate(6, 2);
    List<EpochResult> heard = new ArrayList<>();
    try (EmotionModel model = EmotionModel.initialised(0.5f, 42, Device.cpu());
        TrainingLoop loop = new TrainingLoop(model, QUICK)) {
      TrainingOutcome outcome =
          loop.run(training, validation, new TrainingListener() {
            @Override
            public void epochFinished(EpochResult result) {
              heard.add(result);
            }
          }, () -> false);

      assertFalse(outcome.cancelled());
      assertEquals(2, outcome.epochs().size());
      assertEquals(outcome.epochs(), heard);
      EpochResult last = outcome.last().orElseThrow();
      outcome.epochs().forEach(System.out::println);
      // chance is 1/7; measured 0.71 after two epochs
      assertTrue(last.validationAccuracy() >= 0.45, "validation accuracy " + last.validationAccuracy());
      assertTrue(last.trainLoss() < outcome.epochs().get(0).trainLoss(), "training loss fell");
    }
  }

  @Test
  void stopsWithinOneBatchOfCancellation() {
    FaceSet training = LearnableFaces.generate(20, 1);
    AtomicInteger batches = new AtomicInteger();
    try (EmotionModel model = EmotionModel.initialised(0.5f, 42, Device.cpu());
        TrainingLoop loop = new TrainingLoop(model, QUICK.withBatchSize(8))) {
      TrainingOutcome outcome =
          loop.run(training, null, new TrainingListener() {
            @Override
            public void batchFinished(int epoch, int batch, int of, double loss) {
              batches.incrementAndGet();
            }
          }, () -> batches.get() >= 3);

      assertTrue(outcome.cancelled());
      assertTrue(outcome.epochs().isEmpty());
      assertEquals(3, batches.get());
    }
  }
}
