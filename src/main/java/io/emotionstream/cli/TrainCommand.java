package io.emotionstream.cli;

import io.emotionstream.model.EpochResult;
import io.emotionstream.model.Hyperparameters;
import io.emotionstream.model.ModelTraining;
import io.emotionstream.model.TrainingListener;
import io.emotionstream.model.TrainingOutcome;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `emotion train`: trains Deep-Emotion on a FER2013 CSV and saves best and last checkpoints. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train the model on a FER2013 CSV.")
public final class TrainCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--csv",
      required = true,
      converter = InputPath.FileOrFolder.class,
      description = "FER2013 CSV (Training rows train).")
  Path csv;

  @Option(
      names = "--val-csv",
      converter = InputPath.FileOrFolder.class,
      description = "Validation CSV; default: the PublicTest rows of --csv.")
  Path validationCsv;

  @CommandLine.Mixin HyperparameterOptions options;

  @Option(names = "--out", required = true, description = "Directory for best.ckpt and last.ckpt.")
  Path out;

  @Override
  public Integer call() throws Exception {
    Hyperparameters hyperparameters;
    try {
      hyperparameters = options.checked();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    CsvFaces.Split data = CsvFaces.read(csv);
    var validation = validationCsv == null ? data.validation() : CsvFaces.read(validationCsv).all();
    ProgressListener progress = new ProgressListener();
    TrainingOutcome outcome =
        ModelTraining.run(
            hyperparameters, data.training(), validation, null, out, progress, () -> false);
    progress.close();
    System.out.printf(
        "saved %s and %s in %s after %d epochs%n",
        ModelTraining.BEST, ModelTraining.LAST, out, outcome.epochs().size());
    return 0;
  }

  /** One progress bar per epoch, then one summary line. */
  private static final class ProgressListener implements TrainingListener {
    private ProgressBar bar;

    @Override
    public void batchFinished(int epoch, int batch, int batches, double batchLoss) {
      if (bar == null) {
        bar = new ProgressBarBuilder().setTaskName("epoch " + epoch).setInitialMax(batches).build();
      }
      bar.stepTo(batch);
      bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", batchLoss));
    }

    @Override
    public void epochFinished(EpochResult r) {
      close();
      System.out.printf(
          Locale.ROOT,
          "epoch %d/%d  train loss %.4f acc %.4f  val loss %.4f acc %.4f  %.0f images/s%n",
          r.epoch(),
          r.totalEpochs(),
          r.trainLoss(),
          r.trainAccuracy(),
          r.validationLoss(),
          r.validationAccuracy(),
          r.imagesPerSecond());
    }

    void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }
}
