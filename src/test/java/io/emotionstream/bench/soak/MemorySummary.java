package io.emotionstream.bench.soak;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Per service: memory when the warm-up ended and at the end, and its slope after the warm-up (least
 * squares over every sample since), which is what says whether memory stays flat.
 */
final class MemorySummary {
  private MemorySummary() {}

  /**
   * @param liveHeaps per service, the Java heap it held alive at the end
   */
  static List<String> lines(
      List<Sample> samples, double warmUpSeconds, Map<String, Double> liveHeaps) {
    Map<String, List<Sample>> byService = new LinkedHashMap<>();
    samples.forEach(
        sample ->
            byService.computeIfAbsent(sample.service(), name -> new ArrayList<>()).add(sample));
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, List<Sample>> service : byService.entrySet()) {
      List<Sample> after =
          service.getValue().stream().filter(sample -> sample.seconds() >= warmUpSeconds).toList();
      if (after.size() < 2) {
        lines.add(service.getKey() + ": too few samples after the warm-up");
        continue;
      }
      Sample first = after.get(0);
      Sample last = after.get(after.size() - 1);
      double peak =
          service.getValue().stream()
              .mapToDouble(sample -> sample.memory().rss())
              .max()
              .orElseThrow();
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%-10s %s; %s; %s; %s",
                  service.getKey(),
                  figure("RSS", after, first, last, MemoryReading::rss),
                  figure("malloc", after, first, last, MemoryReading::mallocHeap),
                  figure("heap committed", after, first, last, MemoryReading::heapCommitted),
                  figure("heap after GC", after, first, last, MemoryReading::heapAfterGc)));
      if (!Double.isNaN(last.memory().nativeCommitted())) {
        line.append("; ")
            .append(figure("NMT committed", after, first, last, MemoryReading::nativeCommitted));
      }
      if (liveHeaps.containsKey(service.getKey())) {
        line.append(
            String.format(
                Locale.ROOT, "; live heap at the end %.1f MB", liveHeaps.get(service.getKey())));
      }
      line.append(String.format(Locale.ROOT, "; RSS peak %.0f MB", peak));
      List<Sample> counted = after.stream().filter(sample -> sample.trainerBatches() >= 0).toList();
      if (service.getKey().equals("trainer") && counted.size() >= 2) {
        line.append(
            String.format(
                Locale.ROOT,
                "; %,d batches after warm-up, per batch RSS %+.3f MB, malloc %+.3f MB",
                counted.get(counted.size() - 1).trainerBatches() - counted.get(0).trainerBatches(),
                Trend.slope(counted, Sample::trainerBatches, sample -> sample.memory().rss()),
                Trend.slope(
                    counted, Sample::trainerBatches, sample -> sample.memory().mallocHeap())));
      }
      lines.add(line.toString());
    }
    return lines;
  }

  private static String figure(
      String name,
      List<Sample> after,
      Sample first,
      Sample last,
      ToDoubleFunction<MemoryReading> value) {
    double perMinute =
        60 * Trend.slope(after, Sample::seconds, sample -> value.applyAsDouble(sample.memory()));
    return String.format(
        Locale.ROOT,
        "%s %.1f -> %.1f MB, %+.2f MB/min",
        name,
        value.applyAsDouble(first.memory()),
        value.applyAsDouble(last.memory()),
        perMinute);
  }
}
