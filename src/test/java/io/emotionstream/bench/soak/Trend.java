package io.emotionstream.bench.soak;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** The least-squares slope of one quantity against another over a run of samples. */
final class Trend {
  private Trend() {}

  /** NaN for fewer than two samples or when x does not vary. */
  static <T> double slope(List<T> samples, ToDoubleFunction<T> x, ToDoubleFunction<T> y) {
    int n = samples.size();
    if (n < 2) {
      return Double.NaN;
    }
    double meanX = samples.stream().mapToDouble(x).average().orElseThrow();
    double meanY = samples.stream().mapToDouble(y).average().orElseThrow();
    double covariance = 0;
    double variance = 0;
    for (T sample : samples) {
      double dx = x.applyAsDouble(sample) - meanX;
      covariance += dx * (y.applyAsDouble(sample) - meanY);
      variance += dx * dx;
    }
    return variance == 0 ? Double.NaN : covariance / variance;
  }
}
