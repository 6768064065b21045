package io.emotionstream.trainer;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.CommandType;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.Hyperparameters;
import io.emotionstream.avro.ServingState;
import io.emotionstream.avro.TrainingMode;
import io.emotionstream.control.CommandSender;
import io.emotionstream.control.Commands;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicScan;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.serde.UnreadableRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's drift policy at work: a thread that follows which version of the model is served
 * and the accuracy reports of the classifiers, and sends a fine-tuning RETRAIN to the control topic
 * when {@link DriftPolicy} says so. The trainer then takes the command in like any other, so every
 * automatic retraining is on the record with its reason.
 */
final class DriftWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DriftWatch.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final String modelName;
  private final DriftRetraining settings;
  private final DriftPolicy policy;
  private final ConnectionSettings connection;
  private final TopicSerdes serdes;
  private final TrainerMetrics metrics;
  private final KafkaConsumer<String, ServingState> serving;
  private final KafkaConsumer<String, AccuracyReport> accuracy;
  private final Thread thread;

  /**
   * The served version's hyperparameters, which an automatic fine-tune takes on; null before any is
   * served.
   */
  private volatile Hyperparameters served;

  private final AtomicReference<Instant> appliedFiring = new AtomicReference<>();
  private volatile boolean stopping;

  private DriftWatch(
      ConnectionSettings connection,
      TopicSerdes serdes,
      String modelName,
      DriftRetraining settings,
      Clock clock,
      TrainerMetrics metrics) {
    this.modelName = modelName;
    this.settings = settings;
    this.policy = new DriftPolicy(settings, clock);
    this.connection = connection;
    this.serdes = serdes;
    this.metrics = metrics;
    // The serving topic is compacted and small: read whole, it says which version serves now.
    serving =
        TopicScan.atBeginning(
            connection,
            connection.topics().serving(),
            serdes.keys().deserializer(),
            serdes.servingStates().deserializer());
    try {
      accuracy =
          new KafkaConsumer<>(
              TopicScan.readerConfig(connection),
              serdes.keys().deserializer(),
              serdes.accuracyReports().deserializer());
    } catch (RuntimeException e) {
      serving.close();
      throw e;
    }
    thread = new Thread(this::watch, "drift-watch-" + modelName);
  }

  /**
   * Reads which version is served, places itself at the end of the accuracy reports (older reports
   * describe a past that has been acted on or not: they must not fire now) and starts watching.
   *
   * @param lastFiring when an earlier automatic command was sent, so the cool-down outlives a
   *     restart
   */
  static DriftWatch start(
      ConnectionSettings connection,
      TopicSerdes serdes,
      String modelName,
      DriftRetraining settings,
      Optional<Instant> lastFiring,
      Clock clock,
      TrainerMetrics metrics) {
    DriftWatch watch = new DriftWatch(connection, serdes, modelName, settings, clock, metrics);
    try {
      lastFiring.ifPresent(watch.policy::firedBefore);
      TopicScan.readToEnd(watch.serving, watch::takeServing, watch::skip);
      List<TopicPartition> partitions =
          TopicScan.partitions(watch.accuracy, connection.topics().accuracy(), connection);
      watch.accuracy.assign(partitions);
      TopicScan.position(watch.accuracy, partitions, false);
    } catch (RuntimeException e) {
      watch.closeConsumers();
      throw e;
    }
    LOG.info(
        "drift policy of {} on: {}; {}",
        modelName,
        settings.describe(),
        lastFiring
            .map(at -> "last automatic command at " + at)
            .orElse("no automatic command before"));
    watch.thread.start();
    return watch;
  }

  /** When the latest automatic command among those applied was sent, if any. */
  static Optional<Instant> lastFiring(List<ControlInbox.Entry> applied) {
    return applied.stream()
        .map(ControlInbox.Entry::command)
        .filter(DriftWatch::isAutomatic)
        .map(ControlCommand::getIssuedTimeMs)
        .max(Instant::compareTo);
  }

  /**
   * Hears a command the trainer has just applied. An automatic one sent before a restart but
   * applied only after it was not in the history {@link #lastFiring} read; its cool-down counts all
   * the same.
   */
  void applied(ControlCommand command) {
    if (isAutomatic(command)) {
      appliedFiring.accumulateAndGet(
          command.getIssuedTimeMs(),
          (before, now) -> before == null || now.isAfter(before) ? now : before);
    }
  }

  private static boolean isAutomatic(ControlCommand command) {
    return command.getType() == CommandType.RETRAIN
        && DriftRetraining.REQUESTED_BY.equals(command.getRequestedBy());
  }

  private void watch() {
    try {
      while (!stopping) {
        Instant firing = appliedFiring.getAndSet(null);
        if (firing != null) {
          policy.firedBefore(firing);
        }
        poll(serving, Duration.ZERO, this::takeServing);
        poll(accuracy, POLL, this::takeReport);
      }
    } catch (RuntimeException e) {
      LOG.error(
          "drift policy of {} stopped: {}; the trainer goes on without it",
          modelName,
          e.getMessage(),
          e);
    } finally {
      closeConsumers();
    }
  }

  private void takeServing(ConsumerRecord<String, ServingState> record) {
    if (!modelName.equals(record.key())) {
      return;
    }
    Optional<Long> before = policy.servingVersion();
    policy.serving(record.value());
    served = record.value() == null ? null : record.value().getServing().getHyperparameters();
    Optional<Long> now = policy.servingVersion();
    if (!before.equals(now)) {
      LOG.info(
          "drift policy of {} now judges {}",
          modelName,
          now.map(
                  version ->
                      "version "
                          + version
                          + " (validation "
                          + "accuracy "
                          + record.value().getServing().getValidationAccuracy()
                          + ")")
              .orElse("no version: none served"));
    }
  }

  private void takeReport(ConsumerRecord<String, AccuracyReport> record) {
    if (record.value() == null) {
      return;
    }
    Optional<String> reason = policy.report(record.value());
    metrics.recordDriftReport();
    reason.ifPresent(this::retrain);
  }

  /**
   * A fine-tune with the served version's own recipe (learning rate, batch size, optimiser, …): the
   * recipe that made the model good is the one most likely to keep it so on new faces; only the
   * epochs are the policy's.
   */
  private void retrain(String reason) {
    ControlCommand.Builder builder = Commands.retrain();
    if (served != null) {
      builder
          .setLearningRate(served.getLearningRate())
          .setBatchSize(served.getBatchSize())
          .setOptimizer(served.getOptimizer())
          .setMomentum(served.getMomentum())
          .setWeightDecay(served.getWeightDecay())
          .setDropout(served.getDropout())
          .setLoss(served.getLoss())
          .setSeed(served.getSeed());
    }
    ControlCommand command =
        builder
            .setMode(TrainingMode.FINE_TUNE)
            .setEpochs(settings.epochs())
            .setRequestedBy(DriftRetraining.REQUESTED_BY)
            .setReason(reason)
            .build();
    try {
      CommandSender.sendOnce(connection, serdes, modelName, command);
      metrics.recordAutomaticRetrain();
      LOG.info(
          "drift policy sent RETRAIN {} (fine-tune, {} epochs): {}",
          command.getCommandId(),
          settings.epochs(),
          reason);
    } catch (RuntimeException e) {
      // The cool-down has begun all the same: a broker that refuses now is not asked again at every
      // report.
      LOG.error("drift policy could not send a RETRAIN ({}): {}", reason, e.getMessage(), e);
    }
  }

  /**
   * Polls once; a record that cannot be read is logged and passed over, and a failure that is not
   * the record's (the registry away) is left to the next poll.
   */
  private <V> void poll(
      KafkaConsumer<String, V> consumer,
      Duration timeout,
      Consumer<ConsumerRecord<String, V>> take) {
    try {
      consumer.poll(timeout).forEach(take);
    } catch (RecordDeserializationException e) {
      UnreadableRecord record = UnreadableRecord.from(e);
      if (!record.recordAtFault()) {
        LOG.warn(
            "drift policy cannot read {} now, will retry: {}", record.topic(), record.reason());
        return;
      }
      skip(record);
      consumer.seek(record.topicPartition(), record.nextOffset());
    }
  }

  private void skip(UnreadableRecord record) {
    LOG.warn("drift policy passes over an unreadable record: {}", record.describe());
  }

  private void closeConsumers() {
    serving.close();
    accuracy.close();
  }

  /** Stops watching; a command being sent is sent first. */
  @Override
  public void close() {
    stopping = true;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
