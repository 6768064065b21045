package io.emotionstream.data;

import java.util.Random;

/**
 * An epoch over faces held in memory: all of them, in a permutation drawn from the epoch's random
 * stream.
 */
public final class ShuffledFaces implements EpochBatches {
  private final FaceSet faces;
  private final int[] order;
  private int next;

  public ShuffledFaces(FaceSet faces, Random random) {
    this.faces = faces;
    this.order = Seeds.permutation(faces.size(), random);
  }

  @Override
  public int fill(byte[] pixels, long[] labels) {
    int count = Math.min(labels.length, order.length - next);
    for (int i = 0; i < count; i++) {
      int face = order[next + i];
      faces.copyPixels(face, pixels, i * FaceSet.PIXELS);
      labels[i] = faces.labelIndex(face);
    }
    next += count;
    return count;
  }

  @Override
  public int faces() {
    return order.length;
  }
}
