package io.emotionstream.cli;

import io.emotionstream.model.ConfusionMatrixImage;
import io.emotionstream.model.EmotionPredictor;
import io.emotionstream.model.Evaluation;
import io.emotionstream.model.EvaluationReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `emotion evaluate`: accuracy, per-class precision/recall/F1 and the confusion matrix. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = "Evaluate a checkpoint on a labelled CSV.")
public final class EvaluateCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      required = true,
      converter = InputPath.File.class,
      description = "Checkpoint file.")
  Path model;

  @Option(
      names = "--csv",
      required = true,
      converter = InputPath.FileOrFolder.class,
      description = "FER2013 CSV; every row is evaluated.")
  Path csv;

  @Option(names = "--report", description = "Also write the confusion matrix as a PNG here.")
  Path report;

  @Override
  public Integer call() throws Exception {
    CsvFaces.Split data = CsvFaces.read(csv);
    EvaluationReport result;
    try (EmotionPredictor predictor = EmotionPredictor.load(model)) {
      result = Evaluation.evaluate(predictor, data.all());
    }
    System.out.print(result.toText());
    if (report != null) {
      ConfusionMatrixImage.write(result, report);
      System.out.println("confusion matrix written to " + report);
    }
    return 0;
  }
}
