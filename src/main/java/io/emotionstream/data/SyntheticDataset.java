package io.emotionstream.data;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.Usage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A synthetic stand-in for FER2013: {@link SyntheticFaces} split 80/10/10 into training, validation
 * and test within each class, written as a FER2013 CSV any reader of the real file accepts.
 */
public final class SyntheticDataset {
  public static final double TRAINING_SHARE = 0.8;
  public static final double VALIDATION_SHARE = 0.1;
  private static final int CHUNK = 1024;

  private SyntheticDataset() {}

  /** The split of the {@code indexInClass}-th face of a class of {@code perClass} faces. */
  public static Usage usageOf(int indexInClass, int perClass) {
    if (indexInClass < Math.round(perClass * TRAINING_SHARE)) {
      return Usage.TRAINING;
    }
    if (indexInClass < Math.round(perClass * (TRAINING_SHARE + VALIDATION_SHARE))) {
      return Usage.VALIDATION;
    }
    return Usage.TEST;
  }

  /**
   * Writes {@code perClass} faces of every emotion to {@code csv} (emotion,pixels,Usage), classes
   * interleaved; the same seed writes the same file. Returns the number of rows written.
   */
  public static long writeCsv(Path csv, int perClass, long seed) throws IOException {
    return writeCsv(csv, perClass, seed, SyntheticFaces.Variation.FULL);
  }

  /** As {@link #writeCsv(Path, int, long)}, with nuisances scaled by {@code variation}. */
  public static long writeCsv(Path csv, int perClass, long seed, SyntheticFaces.Variation variation)
      throws IOException {
    if (perClass < 1) {
      throw new IllegalArgumentException("need at least one face per class, got " + perClass);
    }
    int classes = Emotion.values().length;
    int total = perClass * classes;
    try (Fer2013Writer writer = Fer2013Writer.create(csv, true)) {
      for (int start = 0; start < total; start += CHUNK) {
        byte[][] faces =
            SyntheticFaces.draw(start, Math.min(total, start + CHUNK), seed, variation);
        for (int k = 0; k < faces.length; k++) {
          int i = start + k;
          writer.write(SyntheticFaces.emotionOf(i), faces[k], usageOf(i / classes, perClass));
        }
      }
      return writer.rowsWritten();
    }
  }
}
