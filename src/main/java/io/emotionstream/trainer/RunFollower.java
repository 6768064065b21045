package io.emotionstream.trainer;

import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.control.RunStates;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicScan;
import io.emotionstream.kafka.TopicSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows a training run's statuses on the trainer-status topic, as a client that asked for the
 * run.
 */
public final class RunFollower {
  /** How long a follower waits for a trainer's first answer before saying that none has come. */
  public static final Duration PICKUP_NOTICE = Duration.ofSeconds(5);

  /** How far before a command's own timestamp to start looking for its statuses, for clock skew. */
  private static final Duration SKEW = Duration.ofMinutes(1);

  private final ConnectionSettings settings;
  private final TopicSerdes serdes;

  public RunFollower(ConnectionSettings settings, TopicSerdes serdes) {
    this.settings = settings;
    this.serdes = serdes;
  }

  /**
   * Shows every status of {@code runId} from {@code since} on, until the run finishes or {@code
   * timeout} passes. A trainer answers a RETRAIN at once (QUEUED or REJECTED), so if no status has
   * come after {@link #PICKUP_NOTICE}, {@code onNotPickedUp} is told once: no trainer has taken the
   * command yet.
   *
   * @param timeout how long to follow at most; null for as long as the run takes
   * @return the final status, or empty if the timeout passed first
   */
  public Optional<TrainingStatus> follow(
      String runId,
      Instant since,
      Duration timeout,
      Consumer<TrainingStatus> onStatus,
      Runnable onNotPickedUp) {
    String topic = settings.topics().trainerStatus();
    try (KafkaConsumer<String, TrainingStatus> consumer =
        new KafkaConsumer<>(
            TopicScan.readerConfig(settings),
            serdes.keys().deserializer(),
            serdes.trainingStatuses().deserializer())) {
      List<TopicPartition> partitions = TopicScan.partitions(consumer, topic, settings);
      consumer.assign(partitions);
      Map<TopicPartition, Long> times = new HashMap<>();
      long from = since.minus(SKEW).toEpochMilli();
      partitions.forEach(p -> times.put(p, from));
      Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      partitions.forEach(
          p -> {
            OffsetAndTimestamp found = offsets.get(p);
            consumer.seek(p, found == null ? end.get(p) : found.offset());
          });
      long start = System.nanoTime();
      boolean pickedUp = false;
      boolean told = false;
      while (timeout == null || System.nanoTime() - start < timeout.toNanos()) {
        for (var record : consumer.poll(Duration.ofMillis(500))) {
          TrainingStatus status = record.value();
          if (status != null && runId.equals(status.getRunId())) {
            pickedUp = true;
            onStatus.accept(status);
            if (RunStates.isFinished(status.getState())) {
              return Optional.of(status);
            }
          }
        }
        if (!pickedUp && !told && System.nanoTime() - start >= PICKUP_NOTICE.toNanos()) {
          onNotPickedUp.run();
          told = true;
        }
      }
      return Optional.empty();
    }
  }
}
