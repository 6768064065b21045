package io.emotionstream.data;

import io.emotionstream.avro.Emotion;
import java.io.IOException;
import java.nio.file.Path;

/** Finds faces to show from a FER2013 CSV, reading only as far as needed. */
public final class SamplePicker {
  private SamplePicker() {}

  /**
   * The data row at 0-based {@code index} (blank lines not counted), valid or rejected.
   *
   * @throws IllegalArgumentException if the file has fewer rows
   */
  public static CsvRow rowAt(Path csv, long index) throws IOException {
    if (index < 0) {
      throw new IllegalArgumentException("the row index must be 0 or more, got " + index);
    }
    try (Fer2013Reader reader = Fer2013Reader.open(csv, SplitRule.seedRule())) {
      long position = 0;
      while (reader.hasNext()) {
        CsvRow row = reader.next();
        if (position == index) {
          return row;
        }
        position++;
      }
      throw new IllegalArgumentException(
          csv + " has " + position + " rows; row index " + index + " does not exist");
    }
  }

  /**
   * Up to {@code perClass} valid faces of each of the first {@code classes} emotions, in file
   * order.
   */
  public static FaceSet firstPerClass(Path csv, int classes, int perClass) throws IOException {
    FaceSet picked = new FaceSet(classes * perClass);
    int[] counts = new int[Emotion.values().length];
    int full = 0;
    try (Fer2013Reader reader = Fer2013Reader.open(csv, SplitRule.seedRule())) {
      while (full < classes && reader.hasNext()) {
        if (reader.next() instanceof Fer2013Row row) {
          int label = row.label().ordinal();
          if (label < classes && counts[label] < perClass) {
            picked.add(row.pixels(), row.label());
            if (++counts[label] == perClass) {
              full++;
            }
          }
        }
      }
    }
    return picked;
  }
}
