package io.emotionstream.model;

import io.emotionstream.avro.Emotion;

/**
 * Accuracy, per-class precision, recall and F1, and the confusion matrix ({@code
 * confusion[truth][predicted]}) of a classifier over labelled faces.
 */
public record EvaluationReport(long[][] confusion) {
  private static final int CLASSES = Emotion.values().length;

  /** Counts pairs of true and predicted FER2013 class indices. */
  public static EvaluationReport of(int[] truth, int[] predicted) {
    if (truth.length != predicted.length) {
      throw new IllegalArgumentException(
          truth.length + " labels but " + predicted.length + " predictions");
    }
    long[][] confusion = new long[CLASSES][CLASSES];
    for (int i = 0; i < truth.length; i++) {
      confusion[truth[i]][predicted[i]]++;
    }
    return new EvaluationReport(confusion);
  }

  public long total() {
    long total = 0;
    for (long[] row : confusion) {
      for (long count : row) {
        total += count;
      }
    }
    return total;
  }

  public double accuracy() {
    long correct = 0;
    for (int k = 0; k < CLASSES; k++) {
      correct += confusion[k][k];
    }
    return total() == 0 ? Double.NaN : (double) correct / total();
  }

  /** Of the faces predicted as {@code k}, the share truly {@code k}; NaN if none was. */
  public double precision(int k) {
    long predicted = 0;
    for (int t = 0; t < CLASSES; t++) {
      predicted += confusion[t][k];
    }
    return predicted == 0 ? Double.NaN : (double) confusion[k][k] / predicted;
  }

  /** Of the faces truly {@code k}, the share predicted as {@code k}; NaN if there were none. */
  public double recall(int k) {
    long actual = 0;
    for (int p = 0; p < CLASSES; p++) {
      actual += confusion[k][p];
    }
    return actual == 0 ? Double.NaN : (double) confusion[k][k] / actual;
  }

  public double f1(int k) {
    double precision = precision(k);
    double recall = recall(k);
    if (Double.isNaN(precision) || Double.isNaN(recall) || precision + recall == 0) {
      return Double.NaN;
    }
    return 2 * precision * recall / (precision + recall);
  }

  /** A plain-text table: per-class figures, then the confusion matrix. */
  public String toText() {
    StringBuilder text = new StringBuilder();
    text.append(String.format("accuracy %.4f over %d faces%n%n", accuracy(), total()));
    text.append(
        String.format("%-10s %9s %9s %9s %8s%n", "class", "precision", "recall", "f1", "support"));
    for (Emotion emotion : Emotion.values()) {
      int k = emotion.ordinal();
      long support = 0;
      for (long count : confusion[k]) {
        support += count;
      }
      text.append(
          String.format(
              "%-10s %9.4f %9.4f %9.4f %8d%n",
              emotion.name().toLowerCase(java.util.Locale.ROOT),
              precision(k),
              recall(k),
              f1(k),
              support));
    }
    text.append(String.format("%nconfusion (rows: true, columns: predicted)%n%-10s", ""));
    for (Emotion emotion : Emotion.values()) {
      text.append(String.format(" %8.8s", emotion.name().toLowerCase(java.util.Locale.ROOT)));
    }
    text.append(System.lineSeparator());
    for (Emotion emotion : Emotion.values()) {
      text.append(String.format("%-10s", emotion.name().toLowerCase(java.util.Locale.ROOT)));
      for (long count : confusion[emotion.ordinal()]) {
        text.append(String.format(" %8d", count));
      }
      text.append(System.lineSeparator());
    }
    return text.toString();
  }
}
