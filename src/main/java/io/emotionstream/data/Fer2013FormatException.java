package io.emotionstream.data;

import java.io.IOException;

/** A FER2013 CSV that cannot be read at all (no header, or a header without the needed columns). */
public final class Fer2013FormatException extends IOException {
  public Fer2013FormatException(String message) {
    super(message);
  }
}
