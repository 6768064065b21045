package io.emotionstream.classifier;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.Emotion;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Counts of (true emotion, predicted emotion) pairs: the aggregate behind every accuracy report. */
final class ConfusionMatrix {
  private static final int CLASSES = Emotion.values().length;

  private final long[] counts;

  ConfusionMatrix() {
    this(new long[CLASSES * CLASSES]);
  }

  private ConfusionMatrix(long[] counts) {
    this.counts = counts;
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

  AccuracyReport toReport(long modelVersion, long windowStartMs, long windowEndMs) {
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
        .build();
  }

  /** 49 big-endian longs; internal to the classifier's window store and its changelog. */
  static Serde<ConfusionMatrix> serde() {
    Serializer<ConfusionMatrix> serializer = (topic, matrix) -> {
      ByteBuffer buffer = ByteBuffer.allocate(8 * matrix.counts.length);
      for (long count : matrix.counts) {
        buffer.putLong(count);
      }
      return buffer.array();
    };
    Deserializer<ConfusionMatrix> deserializer = (topic, bytes) -> {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      long[] counts = new long[CLASSES * CLASSES];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = buffer.getLong();
      }
      return new ConfusionMatrix(counts);
    };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
