package io.emotionstream.data;

import io.emotionstream.avro.Emotion;
import java.util.Arrays;

/**
 * Labelled 48x48 grayscale faces held as compact bytes: 2,304 bytes of pixels plus one label byte
 * per face, so all of FER2013 (35,887 faces) fits in about 83 MB. This is the one in-memory form
 * the data readers produce and the training loop consumes.
 */
public final class FaceSet {
  public static final int SIDE = 48;
  public static final int PIXELS = SIDE * SIDE;

  private byte[] pixels;
  private byte[] labels;
  private int size;

  public FaceSet() {
    this(1024);
  }

  public FaceSet(int initialCapacity) {
    int capacity = Math.max(1, initialCapacity);
    pixels = new byte[capacity * PIXELS];
    labels = new byte[capacity];
  }

  /** Appends one face; {@code facePixels} must hold exactly {@link #PIXELS} row-major bytes. */
  public void add(byte[] facePixels, Emotion label) {
    if (facePixels.length != PIXELS) {
      throw new IllegalArgumentException(
          "a face needs " + PIXELS + " pixels (48x48), got " + facePixels.length);
    }
    if (size == labels.length) {
      int capacity = labels.length * 2;
      pixels = Arrays.copyOf(pixels, capacity * PIXELS);
      labels = Arrays.copyOf(labels, capacity);
    }
    System.arraycopy(facePixels, 0, pixels, size * PIXELS, PIXELS);
    labels[size] = (byte) label.ordinal();
    size++;
  }

  public int size() {
    return size;
  }

  public Emotion label(int index) {
    return Emotion.values()[labelIndex(index)];
  }

  /** The label as its FER2013 class index, 0..6. */
  public int labelIndex(int index) {
    checkIndex(index);
    return labels[index];
  }

  /** Copies face {@code index}'s pixels into {@code target} at {@code offset}. */
  public void copyPixels(int index, byte[] target, int offset) {
    checkIndex(index);
    System.arraycopy(pixels, index * PIXELS, target, offset, PIXELS);
  }

  public byte[] pixels(int index) {
    byte[] face = new byte[PIXELS];
    copyPixels(index, face, 0);
    return face;
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("face " + index + " of " + size);
    }
  }
}
