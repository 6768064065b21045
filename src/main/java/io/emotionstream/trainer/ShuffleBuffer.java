package io.emotionstream.trainer;

import io.emotionstream.data.FaceSet;
import java.util.Random;

/**
 * A fixed-size pool of faces for shuffling a stream too large to hold: once full, every face
 * offered pushes out one chosen at random. Faces leave in an order that mixes the stream over the
 * pool's span.
 */
final class ShuffleBuffer {
  private final byte[] pixels;
  private final byte[] labels;
  private final Random random;
  private int size;

  ShuffleBuffer(int capacity, Random random) {
    this.pixels = new byte[capacity * FaceSet.PIXELS];
    this.labels = new byte[capacity];
    this.random = random;
  }

  boolean isFull() {
    return size == labels.length;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void add(byte[] face, int label) {
    if (isFull()) {
      throw new IllegalStateException("take a face out before adding to a full shuffle buffer");
    }
    System.arraycopy(face, 0, pixels, size * FaceSet.PIXELS, FaceSet.PIXELS);
    labels[size++] = (byte) label;
  }

  /** Moves a random face into {@code target} at slot {@code index}; returns its label. */
  int takeInto(byte[] target, int index) {
    int chosen = random.nextInt(size);
    System.arraycopy(
        pixels, chosen * FaceSet.PIXELS, target, index * FaceSet.PIXELS, FaceSet.PIXELS);
    int label = labels[chosen];
    size--;
    if (chosen != size) {
      System.arraycopy(
          pixels, size * FaceSet.PIXELS, pixels, chosen * FaceSet.PIXELS, FaceSet.PIXELS);
      labels[chosen] = labels[size];
    }
    return label;
  }
}
