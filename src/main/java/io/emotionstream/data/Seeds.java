package io.emotionstream.data;

import java.util.Random;

/**
 * Derives independent, reproducible random streams from one seed: stream {@code index} depends only
 * on (seed, index), so face i of a set or the order of epoch e can be made alone, in any order.
 */
public final class Seeds {
  private Seeds() {}

  /** SplitMix64's finaliser over seed and index: neighbouring indices give unrelated values. */
  public static long mix(long seed, long index) {
    long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform draw in [0, 1) for (seed, index). */
  public static double uniform(long seed, long index) {
    return (mix(seed, index) >>> 11) * 0x1.0p-53;
  }

  public static Random random(long seed, long index) {
    return new Random(mix(seed, index));
  }

  /**
   * 0 to size - 1 in an order drawn from {@code random} (Fisher-Yates: every order equally likely).
   */
  public static int[] permutation(int size, Random random) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }
}
