package io.emotionstream.cli;

import io.emotionstream.data.FaceSet;
import io.emotionstream.model.EmotionPredictor;
import io.emotionstream.model.PredictionCsv;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `emotion predict`: class probabilities for every face of a CSV. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = "Predict emotions for the faces of a CSV.")
public final class PredictCommand implements Callable<Integer> {
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
      description = "FER2013 CSV.")
  Path csv;

  @Option(names = "--out", required = true, description = "Predictions CSV to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    FaceSet faces = CsvFaces.read(csv).all();
    byte[][] pixels = new byte[faces.size()][];
    for (int i = 0; i < faces.size(); i++) {
      pixels[i] = faces.pixels(i);
    }
    try (EmotionPredictor predictor = EmotionPredictor.load(model)) {
      PredictionCsv.write(predictor.predict(pixels), out);
    }
    System.out.println(faces.size() + " predictions written to " + out);
    return 0;
  }
}
