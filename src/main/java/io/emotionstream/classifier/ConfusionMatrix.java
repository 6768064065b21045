package io.emotionstream.classifier;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.Emotion;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts of (true emotion, predicted emotion) pairs: the aggregate behind every accuracy report.
 */
final class ConfusionMatrix {
  private static final int CLASSES = Emotion.values().length;

  private final long[] counts;

  ConfusionMatrix() {
    this(new long[CLASSES * CLASSES]);
  }

  private ConfusionMatrix(long[] counts) {
    this.counts = counts;
  }

  /** The most bytes {@link #writeTo} takes: ten for each count. */
  static final int MAX_ENCODED_BYTES = CLASSES * CLASSES * 10;

  ConfusionMatrix copy() {
    return new ConfusionMatrix(counts.clone());
  }

  /** Adds the other matrix's counts to these. */
  ConfusionMatrix addAll(ConfusionMatrix other) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    return this;
  }

  ConfusionMatrix add(int actual, int predicted) {
    counts[actual * CLASSES + predicted]++;
    return this;
  }

  long count(int actual, int predicted) {
    return counts[actual * CLASSES + predicted];
  }

  long total() {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    return total;
  }

  long correct() {
    long correct = 0;
    for (int c = 0; c < CLASSES; c++) {
      correct += count(c, c);
    }
    return correct;
  }

  AccuracyReport toReport(long modelVersion, long windowStartMs, long windowEndMs, boolean closed) {
    long total = total();
    List<Double> recall = new ArrayList<>(CLASSES);
    List<List<Long>> rows = new ArrayList<>(CLASSES);
    for (int actual = 0; actual < CLASSES; actual++) {
      List<Long> row = new ArrayList<>(CLASSES);
      long rowTotal = 0;
      for (int predicted = 0; predicted < CLASSES; predicted++) {
        row.add(count(actual, predicted));
        rowTotal += count(actual, predicted);
      }
      rows.add(row);
      recall.add(rowTotal == 0 ? null : (double) count(actual, actual) / rowTotal);
    }
    return AccuracyReport.newBuilder()
        .setModelVersion(modelVersion)
        .setWindowStartMs(Instant.ofEpochMilli(windowStartMs))
        .setWindowEndMs(Instant.ofEpochMilli(windowEndMs))
        .setTotal(total)
        .setCorrect(correct())
        .setAccuracy(total == 0 ? 0 : (double) correct() / total)
        .setPerClassRecall(recall)
        .setConfusion(rows)
        .setClosed(closed)
        .build();
  }

  /**
   * The counts as unsigned variable-length integers (seven bits a byte): mostly small or zero, they
   * take about a byte each instead of eight.
   */
  void writeTo(ByteBuffer buffer) {
    for (long count : counts) {
      long rest = count;
      while ((rest & ~0x7FL) != 0) {
        buffer.put((byte) ((rest & 0x7F) | 0x80));
        rest >>>= 7;
      }
      buffer.put((byte) rest);
    }
  }

  static ConfusionMatrix readFrom(ByteBuffer buffer) {
    long[] counts = new long[CLASSES * CLASSES];
    for (int i = 0; i < counts.length; i++) {
      long count = 0;
      int shift = 0;
      byte b;
      do {
        b = buffer.get();
        count |= (long) (b & 0x7F) << shift;
        shift += 7;
      } while ((b & 0x80) != 0);
      counts[i] = count;
    }
    return new ConfusionMatrix(counts);
  }
}
