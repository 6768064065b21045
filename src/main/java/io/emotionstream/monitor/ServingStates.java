package io.emotionstream.monitor;

import io.emotionstream.avro.ServingState;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicScan;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.UngroupedConsumers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the classifiers' serving decisions on {@code emotion.serving} for one model: the latest
 * one, and the one answering a control command. It joins no consumer group, and gives back {@link
 * ServingSummary}s, never the weights the records carry. Records of other models are skipped by
 * their key, unread.
 */
public final class ServingStates {
  private static final Logger LOG = LoggerFactory.getLogger(ServingStates.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final ConnectionSettings connection;
  private final Deserializer<ServingState> values;
  private final String modelName;

  public ServingStates(ConnectionSettings connection, TopicSerdes serdes, String modelName) {
    this.connection = connection;
    this.values = serdes.servingStates().deserializer();
    this.modelName = modelName;
  }

  /** Where the topic ends now, as its offsets: a decision taken afterwards lies beyond. */
  public record Position(Map<TopicPartition, Long> offsets) {}

  /**
   * Where the topic ends now. Taken before a command is sent, its answer is certain to lie beyond.
   */
  public Position end() {
    try (KafkaConsumer<String, byte[]> consumer = open()) {
      return new Position(Map.copyOf(consumer.endOffsets(partitions(consumer))));
    }
  }

  /**
   * The model's latest decision: the last record under its key. Read backwards from the end, a
   * stretch twice as long each time, so only what follows the model's last decision is read, not a
   * history that compaction has not yet cleaned.
   *
   * @return empty if no classifier has decided anything for the model yet
   * @throws IllegalStateException if the latest record of the model cannot be read
   */
  public Optional<ServingSummary> latest() {
    try (KafkaConsumer<String, byte[]> consumer = open()) {
      List<TopicPartition> partitions = partitions(consumer);
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      ServingSummary latest = null;
      for (TopicPartition partition : partitions) { // the model's key keeps it in one of them
        Optional<ConsumerRecord<String, byte[]>> last =
            lastRecord(consumer, partition, begin.get(partition), end.get(partition));
        if (last.isPresent()) {
          ServingState state;
          try {
            state = values.deserialize(last.get().topic(), last.get().value());
          } catch (RuntimeException e) {
            throw new IllegalStateException(
                "the latest serving decision on "
                    + modelName
                    + " cannot be read ("
                    + where(last.get())
                    + ": "
                    + e.getMessage()
                    + ")",
                e);
          }
          if (state != null
              && (latest == null || state.getTimeMs().toEpochMilli() > latest.timeMs())) {
            latest = ServingSummary.of(state); // null state: a tombstone forgot the model
          }
        }
      }
      return Optional.ofNullable(latest);
    }
  }

  private Optional<ConsumerRecord<String, byte[]>> lastRecord(
      KafkaConsumer<String, byte[]> consumer, TopicPartition partition, long begin, long end) {
    consumer.assign(List.of(partition));
    long to = end;
    long stretch = 1;
    while (to > begin) {
      long from = Math.max(begin, to - stretch);
      consumer.seek(partition, from);
      AtomicReference<ConsumerRecord<String, byte[]>> last = new AtomicReference<>();
      // Values stay bytes here: only a key is deserialized while reading, and a string key always
      // is.
      TopicScan.readUntil(
          consumer,
          Map.of(partition, to),
          record -> {
            if (modelName.equals(record.key())) {
              last.set(record);
            }
          },
          unreadable -> {});
      if (last.get() != null) {
        return Optional.of(last.get());
      }
      to = from;
      stretch *= 2;
    }
    return Optional.empty();
  }

  /**
   * Waits for the decision that answers command {@code commandId}, reading from {@code from} on. A
   * record that cannot be read is logged and skipped: it may be anyone's.
   *
   * @return empty if no answer came within {@code timeout}
   */
  public Optional<ServingSummary> awaitAnswer(String commandId, Position from, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> consumer = open()) {
      consumer.assign(from.offsets().keySet());
      from.offsets().forEach(consumer::seek);
      for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
        for (ConsumerRecord<String, byte[]> record :
            consumer.poll(Duration.ofNanos(Math.min(left, POLL.toNanos())))) {
          if (!modelName.equals(record.key())) {
            continue;
          }
          try {
            ServingState state = values.deserialize(record.topic(), record.value());
            if (state != null && commandId.equals(state.getCommandId())) {
              return Optional.of(ServingSummary.of(state));
            }
          } catch (RuntimeException e) {
            LOG.warn("skipping unreadable serving decision {}: {}", where(record), e.getMessage());
          }
        }
      }
      return Optional.empty();
    }
  }

  private KafkaConsumer<String, byte[]> open() {
    return UngroupedConsumers.open(connection, "emotion-serving-reader");
  }

  private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer) {
    return TopicScan.partitions(consumer, connection.topics().serving(), connection);
  }

  private static String where(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
