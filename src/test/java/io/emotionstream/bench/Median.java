package io.emotionstream.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The median the benches judge rounds by: the middle value, or the mean of the two middle ones. */
final class Median {
  private Median() {}

  static double of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
