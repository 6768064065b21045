package io.emotionstream.model;

import io.emotionstream.avro.Emotion;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes predictions as CSV: row, predicted emotion, then one probability column per class. */
public final class PredictionCsv {
  private PredictionCsv() {}

  public static void write(float[][] probabilities, Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      StringBuilder header = new StringBuilder("row,emotion");
      for (Emotion emotion : Emotion.values()) {
        header.append(",p_").append(emotion.name().toLowerCase(Locale.ROOT));
      }
      out.write(header.toString());
      out.newLine();
      for (int i = 0; i < probabilities.length; i++) {
        StringBuilder line = new StringBuilder();
        line.append(i)
            .append(',')
            .append(
                Emotion.values()[EmotionPredictor.argMax(probabilities[i])]
                    .name()
                    .toLowerCase(Locale.ROOT));
        for (float p : probabilities[i]) {
          line.append(',').append(String.format(Locale.ROOT, "%.6f", p));
        }
        out.write(line.toString());
        out.newLine();
      }
    }
  }
}
