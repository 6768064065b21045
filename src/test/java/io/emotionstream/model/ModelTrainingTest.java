package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.data.FaceSet;
import io.emotionstream.testing.IntegrationTest;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class ModelTrainingTest {

  @Test
  void savesBestAndLastCheckpointsThatFineTuningStartsFrom(@TempDir Path dir) throws IOException {
    FaceSet training = LearnableFaces.generate(10, 3);
    FaceSet validation = LearnableFaces.generate(3, 4);
    Hyperparameters one = Hyperparameters.DEFAULTS.withEpochs(1).withBatchSize(16);
    ModelTraining.run(one, training, validation, null, dir, new TrainingListener() {}, () -> false);

    Checkpoint last = CheckpointFile.read(dir.resolve(ModelTraining.LAST));
    Checkpoint best = CheckpointFile.read(dir.resolve(ModelTraining.BEST));
    assertEquals(1, last.epoch());
    assertEquals(one, last.hyperparameters());
    assertEquals(last.validationAccuracy(), best.validationAccuracy());

    Path tuned = dir.resolve("tuned");
    TrainingOutcome outcome =
        ModelTraining.run(
            one.withLearningRate(0.001),
            training,
            validation,
            last.weights(),
            tuned,
            new TrainingListener() {},
            () -> false);
    // Starting from trained weights, the first fine-tuning epoch begins where the last one ended.
    assertTrue(
        outcome.epochs().get(0).trainLoss() < 1.5,
        "fine-tuning loss " + outcome.epochs().get(0).trainLoss());
  }
}
