package io.emotionstream.model;

import io.emotionstream.data.FaceSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * A training run to a directory: fresh weights (or given ones), {@link TrainingLoop} over the
 * faces, and after every epoch {@code last.ckpt}, plus {@code best.ckpt} whenever validation
 * accuracy (or, without validation faces, training loss) improves.
 */
public final class ModelTraining {
  public static final String LAST = "last.ckpt";
  public static final String BEST = "best.ckpt";

  private ModelTraining() {}

  /**
   * @param start weights to fine-tune or resume from, or null for fresh ones drawn with the seed
   */
  public static TrainingOutcome run(
      Hyperparameters hyperparameters,
      FaceSet training,
      FaceSet validation,
      ModelWeights start,
      Path outputDirectory,
      TrainingListener listener,
      BooleanSupplier cancelled) {
    float dropout = (float) hyperparameters.dropout();
    try (EmotionModel model =
            start == null
                ? EmotionModel.initialised(
                    dropout, hyperparameters.seed(), EmotionModel.preferredDevice())
                : EmotionModel.withWeights(start, dropout, EmotionModel.preferredDevice());
        TrainingLoop loop = new TrainingLoop(model, hyperparameters)) {
      double[] best = {Double.NEGATIVE_INFINITY};
      TrainingListener saving =
          new TrainingListener() {
            @Override
            public void batchFinished(int epoch, int batch, int batches, double loss) {
              listener.batchFinished(epoch, batch, batches, loss);
            }

            @Override
            public void epochFinished(EpochResult result) {
              Checkpoint checkpoint =
                  Checkpoint.of(model.weights(), hyperparameters, result, loop.optimizerState());
              double score =
                  result.hasValidation() ? result.validationAccuracy() : -result.trainLoss();
              try {
                CheckpointFile.write(checkpoint, outputDirectory.resolve(LAST));
                if (score > best[0]) {
                  best[0] = score;
                  CheckpointFile.write(checkpoint, outputDirectory.resolve(BEST));
                }
              } catch (IOException e) {
                throw new UncheckedIOException("cannot save a checkpoint in " + outputDirectory, e);
              }
              listener.epochFinished(result);
            }
          };
      return loop.run(training, validation, saving, cancelled);
    }
  }
}
