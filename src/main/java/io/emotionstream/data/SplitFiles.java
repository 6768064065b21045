package io.emotionstream.data;

import io.emotionstream.avro.Usage;

/**
 * The names the dataset commands give each split on disk: train, val, test, as the seed project.
 */
public final class SplitFiles {
  private SplitFiles() {}

  /** train, val or test: the folder of exported images and the base name of a split CSV. */
  public static String baseName(Usage usage) {
    return switch (usage) {
      case TRAINING -> "train";
      case VALIDATION -> "val";
      case TEST -> "test";
    };
  }

  public static String csvName(Usage usage) {
    return baseName(usage) + ".csv";
  }
}
