package io.emotionstream.data;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.Usage;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes faces as a CSV in Kaggle's FER2013 format: {@code emotion,pixels,Usage}, or {@code
 * emotion,pixels} like the challenge's train.csv when written without splits. {@link Fer2013Reader}
 * reads back exactly what this writes.
 */
public final class Fer2013Writer implements Closeable {
  private static final byte[][] NUMBERS = new byte[256][];

  static {
    for (int i = 0; i < NUMBERS.length; i++) {
      NUMBERS[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
    }
  }

  private final OutputStream out;
  private final boolean withUsage;
  private long rows;

  /** Writes to {@code out}, which the writer owns and closes; the header goes out at once. */
  public Fer2013Writer(OutputStream out, boolean withUsage) throws IOException {
    this.out = new BufferedOutputStream(out, 1 << 16);
    this.withUsage = withUsage;
    write(withUsage ? "emotion,pixels,Usage\n" : "emotion,pixels\n");
  }

  /** Creates (or replaces) {@code csv}, creating its parent folders. */
  public static Fer2013Writer create(Path csv, boolean withUsage) throws IOException {
    Path parent = csv.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return new Fer2013Writer(Files.newOutputStream(csv), withUsage);
  }

  /** One row; {@code usage} is ignored when the file has no Usage column. */
  public void write(Emotion label, byte[] pixels, Usage usage) throws IOException {
    if (pixels.length != FaceSet.PIXELS) {
      throw new IllegalArgumentException(
          "a FER2013 row needs " + FaceSet.PIXELS + " pixels, got " + pixels.length);
    }
    out.write('0' + label.ordinal());
    out.write(',');
    for (int i = 0; i < pixels.length; i++) {
      if (i > 0) {
        out.write(' ');
      }
      out.write(NUMBERS[pixels[i] & 0xFF]);
    }
    if (withUsage) {
      out.write(',');
      write(Fer2013Usage.name(usage));
    }
    out.write('\n');
    rows++;
  }

  public void write(Fer2013Row row) throws IOException {
    write(row.label(), row.pixels(), row.usage());
  }

  /** Every face of {@code faces}, all in split {@code usage}. */
  public void write(FaceSet faces, Usage usage) throws IOException {
    byte[] pixels = new byte[FaceSet.PIXELS];
    for (int i = 0; i < faces.size(); i++) {
      faces.copyPixels(i, pixels, 0);
      write(faces.label(i), pixels, usage);
    }
  }

  /** Data rows written so far. */
  public long rowsWritten() {
    return rows;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  private void write(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
  }
}
