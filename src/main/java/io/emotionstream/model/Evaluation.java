package io.emotionstream.model;

import io.emotionstream.data.FaceSet;

/** Runs a predictor over labelled faces and tallies an {@link EvaluationReport}. */
public final class Evaluation {
  private Evaluation() {}

  public static EvaluationReport evaluate(EmotionPredictor predictor, FaceSet faces) {
    byte[][] pixels = new byte[faces.size()][];
    int[] truth = new int[faces.size()];
    for (int i = 0; i < faces.size(); i++) {
      pixels[i] = faces.pixels(i);
      truth[i] = faces.labelIndex(i);
    }
    return EvaluationReport.of(truth, predictor.classify(pixels));
  }
}
