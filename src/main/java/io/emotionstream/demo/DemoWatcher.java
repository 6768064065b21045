package io.emotionstream.demo;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.CommandType;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.avro.ServingState;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.classifier.ClassifierTopology;
import io.emotionstream.control.RunStates;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicScan;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.UngroupedConsumers;
import io.emotionstream.trainer.StatusLines;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows what the demo's services publish — trainer statuses, new model versions, serving
 * decisions, automatic commands, rolling accuracy, events and dead letters — prints the lines worth
 * a reader's attention and keeps the counts for the summary, and the drift run's timeline.
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
  private long servingVersion = -1;
  private Long candidateVersion;
  private ServingDecision lastDecision;
  private int runsFinished;
  private long events;
  private long frameDeadLetters;

  /**
   * The latest report of every window of each model version scored, by version and window start.
   */
  private final Map<Long, TreeMap<Instant, AccuracyReport>> windows = new HashMap<>();

  private long lastAccuracyLine;
  private long lastAccuracyArrival;
  private final DriftTimeline timeline = new DriftTimeline();

  DemoWatcher(ConnectionSettings connection, TopicSerdes serdes, Consumer<String> out) {
    this.connection = connection;
    this.serdes = serdes;
    this.out = out;
    this.consumer = UngroupedConsumers.open(connection, "emotion-demo-watcher");
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic :
          List.of(
              connection.topics().trainerStatus(),
              connection.topics().checkpoints(),
              connection.topics().serving(),
              connection.topics().control(),
              connection.topics().accuracy(),
              connection.topics().events(),
              connection.topics().deadLetters())) {
        partitions.addAll(TopicScan.partitions(consumer, topic, connection));
      }
      consumer.assign(partitions);
      TopicScan.position(consumer, partitions, true);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
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
      TrainingStatus status =
          serdes.trainingStatuses().deserializer().deserialize(topic, record.value());
      if (status.getTotalEpochs() > 0) {
        epochsPlanned = status.getTotalEpochs();
      }
      if (RunStates.isFinished(status.getState())) {
        runsFinished++;
        timeline.runFinished(status);
      }
      if (status.getState() == RunState.EPOCH_COMPLETED) {
        epochsCompleted++;
        if (status.getValidationAccuracy() != null
            && (Double.isNaN(bestValidationAccuracy)
                || status.getValidationAccuracy() > bestValidationAccuracy)) {
          bestValidationAccuracy = status.getValidationAccuracy();
        }
      }
      out.accept("trainer: " + StatusLines.describe(status));
    } else if (topic.equals(connection.topics().checkpoints())) {
      ModelCheckpoint checkpoint =
          serdes.checkpoints().deserializer().deserialize(topic, record.value());
      latestVersion = Math.max(latestVersion, checkpoint.getVersion());
      out.accept(
          String.format(
              Locale.ROOT,
              "new model: %s v%d (epoch %d, validation accuracy %s)",
              checkpoint.getModelName(),
              checkpoint.getVersion(),
              checkpoint.getEpoch(),
              checkpoint.getValidationAccuracy() == null
                  ? "n/a"
                  : String.format(
                      Locale.ROOT, "%.1f%%", checkpoint.getValidationAccuracy() * 100)));
    } else if (topic.equals(connection.topics().serving())) {
      ServingState state = serdes.servingStates().deserializer().deserialize(topic, record.value());
      servingVersion = state.getServing().getVersion();
      candidateVersion = state.getCandidateVersion();
      lastDecision = state.getDecision();
      timeline.decided(state);
      out.accept(
          String.format(
              Locale.ROOT,
              "serving v%d%s — %s: %s",
              servingVersion,
              candidateVersion == null ? "" : ", candidate v" + candidateVersion,
              state.getDecision(),
              state.getReason()));
    } else if (topic.equals(connection.topics().control())) {
      ControlCommand command = serdes.commands().deserializer().deserialize(topic, record.value());
      if (command.getReason() != null && command.getType() == CommandType.RETRAIN) {
        timeline.retrainSent(command, latestVersion);
        out.accept(
            "automatic "
                + command.getType()
                + " ("
                + command.getMode()
                + ") by "
                + command.getRequestedBy()
                + ": "
                + command.getReason());
      }
    } else if (topic.equals(connection.topics().accuracy())) {
      AccuracyReport report =
          serdes.accuracyReports().deserializer().deserialize(topic, record.value());
      lastAccuracyArrival = System.nanoTime();
      windows
          .computeIfAbsent(report.getModelVersion(), version -> new TreeMap<>())
          .put(report.getWindowStartMs(), report);
      if (report.getModelVersion() == servingVersion) {
        timeline.servingAccuracy(report);
      }
    }
  }

  /**
   * The fullest window of a version's reports so far: the most frames, the steadiest figure; null
   * if none.
   */
  private AccuracyReport accuracyOf(long version) {
    TreeMap<Instant, AccuracyReport> reports = windows.get(version);
    if (reports == null) {
      return null;
    }
    return reports.values().stream()
        .filter(r -> r.getTotal() >= DriftTimeline.MIN_FRAMES)
        .max(Comparator.comparingLong(AccuracyReport::getTotal))
        .orElse(null);
  }

  /**
   * The rolling accuracy worth showing: the longest window of the newest version still open (it
   * covers the last full window length); the latest window once all have closed.
   */
  private AccuracyReport latestAccuracy() {
    TreeMap<Instant, AccuracyReport> served = windows.get(servingVersion);
    if (served == null) {
      return null;
    }
    Instant now = Instant.now();
    return served.values().stream()
        .filter(r -> r.getWindowEndMs().isAfter(now))
        .findFirst()
        .orElse(served.lastEntry().getValue());
  }

  private void printAccuracyIfDue() {
    long now = System.currentTimeMillis();
    AccuracyReport latestAccuracy = latestAccuracy();
    if (latestAccuracy != null && now - lastAccuracyLine >= ACCURACY_EVERY_MS) {
      lastAccuracyLine = now;
      out.accept(
          String.format(
              Locale.ROOT,
              "rolling accuracy of v%d: %.1f%% (%d of %d labelled frames, window from %s); "
                  + "%,d events so far",
              latestAccuracy.getModelVersion(),
              latestAccuracy.getAccuracy() * 100,
              latestAccuracy.getCorrect(),
              latestAccuracy.getTotal(),
              latestAccuracy.getWindowStartMs(),
              events));
    }
  }

  /**
   * Waits until rolling accuracy has caught up with the last events: the classifier reports the
   * windows that changed once per advance, so once none has come for longer than an advance ({@code
   * quiet}), the last frames have been reported.
   */
  void awaitAccuracySettled(Duration quiet, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (this) {
        if (windows.containsKey(servingVersion)
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

  /** Training runs that have ended, whichever way. */
  synchronized int runsFinished() {
    return runsFinished;
  }

  /**
   * The version served, once it is the latest checkpoint's: no candidate left to judge; -1 before.
   */
  synchronized long settledVersion() {
    return servingVersion == latestVersion && candidateVersion == null ? servingVersion : -1;
  }

  /** Marks the moment the live frames changed; the timeline measures from it. */
  synchronized void driftStarted() {
    timeline.driftStarted(accuracyOf(servingVersion));
    out.accept(
        "drift: the live frames change now (lighting, pose, quality, occlusion: variation full)");
  }

  /**
   * Whether the retraining has ended, a version it trained has been promoted and no candidate waits
   * for its verdict (one kept stays kept until the frames change again).
   */
  synchronized boolean recovered() {
    return timeline.retrainedVersionServes()
        && (candidateVersion == null || lastDecision == ServingDecision.KEPT);
  }

  synchronized DriftTimeline timeline() {
    timeline.end(accuracyOf(servingVersion));
    return timeline;
  }

  synchronized DemoSummary summary(long trainingExamples, long framesSent, String dashboardUrl) {
    TreeMap<Instant, AccuracyReport> served = windows.getOrDefault(servingVersion, new TreeMap<>());
    AccuracyReport latestAccuracy = served.isEmpty() ? null : served.lastEntry().getValue();
    for (AccuracyReport report : served.values()) {
      // After the frames stop, the most telling window is the fullest one.
      if (report.getTotal() > latestAccuracy.getTotal()) {
        latestAccuracy = report;
      }
    }
    return new DemoSummary(
        trainingExamples,
        epochsCompleted,
        epochsPlanned,
        bestValidationAccuracy,
        latestVersion,
        framesSent,
        events,
        frameDeadLetters,
        latestAccuracy == null ? Double.NaN : latestAccuracy.getAccuracy(),
        latestAccuracy == null ? 0 : latestAccuracy.getTotal(),
        dashboardUrl,
        null);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
  }
}
