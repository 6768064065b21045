package io.emotionstream.demo;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.classifier.ClassifierTopology;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.TopicSpec;
import io.emotionstream.trainer.StatusLines;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows what the demo's services publish — trainer statuses, new model versions, rolling accuracy,
 * events and dead letters — prints the lines worth a reader's attention and keeps the counts for the
 * summary.
 */
final class DemoWatcher implements AutoCloseable {
  private static final long ACCURACY_EVERY_MS = 10_000;

  private final ConnectionSettings connection;
  private final TopicSerdes serdes;
  private final Consumer<String> out;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  private int epochsCompleted;
  /** Epochs of the run the statuses are about; 0 before any status says. */
  private int epochsPlanned;
  private double bestValidationAccuracy = Double.NaN;
  private long latestVersion = -1;
  private long events;
  private long frameDeadLetters;
  /** The latest report of every window of the newest model version scored, by window start. */
  private final java.util.TreeMap<java.time.Instant, AccuracyReport> windows = new java.util.TreeMap<>();
  private long windowsVersion = -1;
  private long lastAccuracyLine;
  private long lastAccuracyArrival;

  DemoWatcher(ConnectionSettings connection, TopicSerdes serdes, Consumer<String> out) {
    this.connection = connection;
    this.serdes = serdes;
    this.out = out;
    this.consumer = new KafkaConsumer<>(connection.clientConfig(Map.of(
        ConsumerConfig.GROUP_ID_CONFIG, "demo-watcher-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicSpec.MAX_RECORD_BYTES)),
        serdes.keys().deserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(connection.topics().trainerStatus(), connection.topics().checkpoints(),
        connection.topics().accuracy(), connection.topics().events(), connection.topics().deadLetters()));
    this.thread = new Thread(this::watch, "demo-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void watch() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          synchronized (this) {
            take(record);
          }
        }
        synchronized (this) {
          printAccuracyIfDue();
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  private void take(ConsumerRecord<String, byte[]> record) {
    String topic = record.topic();
    if (topic.equals(connection.topics().events())) {
      events++;
    } else if (topic.equals(connection.topics().deadLetters())) {
      DeadLetter letter = serdes.deadLetters().deserializer().deserialize(topic, record.value());
      if (ClassifierTopology.FRAME_STAGE.equals(letter.getStage())) {
        frameDeadLetters++;
      }
      out.accept("dead letter (" + letter.getStage() + "): " + letter.getReason());
    } else if (topic.equals(connection.topics().trainerStatus())) {
      TrainingStatus status = serdes.trainingStatuses().deserializer().deserialize(topic, record.value());
      if (status.getTotalEpochs() > 0) {
        epochsPlanned = status.getTotalEpochs();
      }
      if (status.getState() == RunState.EPOCH_COMPLETED) {
        epochsCompleted++;
        if (status.getValidationAccuracy() != null
            && (Double.isNaN(bestValidationAccuracy) || status.getValidationAccuracy() > bestValidationAccuracy)) {
          bestValidationAccuracy = status.getValidationAccuracy();
        }
      }
      out.accept("trainer: " + StatusLines.describe(status));
    } else if (topic.equals(connection.topics().checkpoints())) {
      ModelCheckpoint checkpoint = serdes.checkpoints().deserializer().deserialize(topic, record.value());
      latestVersion = Math.max(latestVersion, checkpoint.getVersion());
      out.accept(String.format(Locale.ROOT, "new model: %s v%d (epoch %d, validation accuracy %s) — the classifier "
              + "swaps it in", checkpoint.getModelName(), checkpoint.getVersion(), checkpoint.getEpoch(),
          checkpoint.getValidationAccuracy() == null ? "n/a"
              : String.format(Locale.ROOT, "%.1f%%", checkpoint.getValidationAccuracy() * 100)));
    } else if (topic.equals(connection.topics().accuracy())) {
      AccuracyReport report = serdes.accuracyReports().deserializer().deserialize(topic, record.value());
      lastAccuracyArrival = System.nanoTime();
      if (report.getModelVersion() > windowsVersion) {
        windows.clear();
        windowsVersion = report.getModelVersion();
      }
      if (report.getModelVersion() == windowsVersion) {
        windows.put(report.getWindowStartMs(), report);
      }
    }
  }

  /**
   * The rolling accuracy worth showing: the longest window of the newest version still open (it
   * covers the last full window length); the latest window once all have closed.
   */
  private AccuracyReport latestAccuracy() {
    java.time.Instant now = java.time.Instant.now();
    return windows.values().stream().filter(r -> r.getWindowEndMs().isAfter(now)).findFirst()
        .orElse(windows.isEmpty() ? null : windows.lastEntry().getValue());
  }

  private void printAccuracyIfDue() {
    long now = System.currentTimeMillis();
    AccuracyReport latestAccuracy = latestAccuracy();
    if (latestAccuracy != null && now - lastAccuracyLine >= ACCURACY_EVERY_MS) {
      lastAccuracyLine = now;
      out.accept(String.format(Locale.ROOT, "rolling accuracy of v%d: %.1f%% (%d of %d labelled frames, window from %s); "
              + "%,d events so far", latestAccuracy.getModelVersion(), latestAccuracy.getAccuracy() * 100,
          latestAccuracy.getCorrect(), latestAccuracy.getTotal(), latestAccuracy.getWindowStartMs(), events));
    }
  }

  /**
   * Waits until rolling accuracy has caught up with the last events: the classifier reports the windows
   * that changed once per advance, so once none has come for longer than an advance ({@code quiet}),
   * the last frames have been reported.
   */
  void awaitAccuracySettled(Duration quiet, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (this) {
        if (windowsVersion == latestVersion
            && System.nanoTime() - lastAccuracyArrival > quiet.toNanos()) {
          return;
        }
      }
      Thread.sleep(100);
    }
  }

  synchronized long classified() {
    return events + frameDeadLetters;
  }

  synchronized DemoSummary summary(long trainingExamples, long framesSent, String dashboardUrl) {
    AccuracyReport latestAccuracy = windows.isEmpty() ? null : windows.lastEntry().getValue();
    for (AccuracyReport report : windows.values()) {
      // After the frames stop, the most telling window is the fullest one.
      if (report.getTotal() > latestAccuracy.getTotal()) {
        latestAccuracy = report;
      }
    }
    return new DemoSummary(trainingExamples, epochsCompleted, epochsPlanned, bestValidationAccuracy, latestVersion, framesSent,
        events, frameDeadLetters, latestAccuracy == null ? Double.NaN : latestAccuracy.getAccuracy(),
        latestAccuracy == null ? 0 : latestAccuracy.getTotal(), dashboardUrl);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
  }
}
