package io.emotionstream.trainer;

import io.emotionstream.data.FaceSet;
import java.util.Random;

/** An epoch over faces held in memory: a fresh permutation of all of them. */
final class CachedBatches implements EpochBatches {
  private final FaceSet faces;
  private final int[] order;
  private int next;

  CachedBatches(FaceSet faces, long seed) {
    this.faces = faces;
    this.order = new int[faces.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
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
}
