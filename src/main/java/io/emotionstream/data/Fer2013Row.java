package io.emotionstream.data;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.Usage;

/**
 * A valid FER2013 row: its label, {@link FaceSet#PIXELS} row-major grayscale bytes (read them as
 * unsigned, {@code pixels[i] & 0xFF}) and the split it belongs to.
 */
public record Fer2013Row(long lineNumber, Emotion label, byte[] pixels, Usage usage)
    implements CsvRow {

  public Fer2013Row {
    if (pixels.length != FaceSet.PIXELS) {
      throw new IllegalArgumentException(
          "a FER2013 row needs " + FaceSet.PIXELS + " pixels, got " + pixels.length);
    }
  }
}
