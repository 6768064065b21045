package io.emotionstream.kafka;

import io.emotionstream.kafka.serde.UnreadableRecord;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reading topics with consumers that assign themselves partitions: finding a topic's partitions,
 * placing a consumer on them, and polling up to given end offsets. A record that cannot be
 * deserialized goes to an {@code unreadable} handler and is passed over; a failure that is not the
 * record's (the registry away) is thrown.
 */
public final class TopicScan {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration TOPIC_METADATA_WAIT = Duration.ofSeconds(5);

  private TopicScan() {}

  /** Reads a whole topic once, from the beginning to the end offsets of the moment it starts. */
  public static <V> void readAll(
      ConnectionSettings settings,
      String topic,
      Deserializer<String> keys,
      Deserializer<V> values,
      Consumer<ConsumerRecord<String, V>> handler,
      Consumer<UnreadableRecord> unreadable) {
    try (KafkaConsumer<String, V> consumer = atBeginning(settings, topic, keys, values)) {
      readToEnd(consumer, handler, unreadable);
    }
  }

  /**
   * A {@link #readerConfig} consumer assigned every partition of {@code topic}, at their beginning.
   */
  public static <V> KafkaConsumer<String, V> atBeginning(
      ConnectionSettings settings,
      String topic,
      Deserializer<String> keys,
      Deserializer<V> values) {
    KafkaConsumer<String, V> consumer = new KafkaConsumer<>(readerConfig(settings), keys, values);
    try {
      List<TopicPartition> partitions = partitions(consumer, topic, settings);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      return consumer;
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /** Polls an assigned consumer up to the end its partitions have now. */
  public static <K, V> void readToEnd(
      KafkaConsumer<K, V> consumer,
      Consumer<ConsumerRecord<K, V>> handler,
      Consumer<UnreadableRecord> unreadable) {
    readUntil(consumer, consumer.endOffsets(consumer.assignment()), handler, unreadable);
  }

  /** Polls an assigned consumer until its position reaches {@code end} on every partition. */
  public static <K, V> void readUntil(
      KafkaConsumer<K, V> consumer,
      Map<TopicPartition, Long> end,
      Consumer<ConsumerRecord<K, V>> handler,
      Consumer<UnreadableRecord> unreadable) {
    Map<TopicPartition, Long> remaining = new HashMap<>(end);
    boolean more;
    do {
      more = pollBefore(consumer, end, remaining, handler, unreadable);
    } while (more);
  }

  /**
   * One step of {@link #readUntil}, for a reader that takes records as it needs them: drops from
   * {@code remaining} the partitions whose position has reached {@code end}, and unless none is
   * left polls once, handing over the records before {@code end}.
   *
   * @return false once every partition has reached its end, and nothing was polled
   */
  public static <K, V> boolean pollBefore(
      KafkaConsumer<K, V> consumer,
      Map<TopicPartition, Long> end,
      Map<TopicPartition, Long> remaining,
      Consumer<ConsumerRecord<K, V>> handler,
      Consumer<UnreadableRecord> unreadable) {
    remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
    if (remaining.isEmpty()) {
      return false;
    }
    try {
      for (ConsumerRecord<K, V> record : consumer.poll(POLL)) {
        if (record.offset()
            < end.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L)) {
          handler.accept(record);
        }
      }
    } catch (RecordDeserializationException e) {
      UnreadableRecord record = UnreadableRecord.from(e);
      if (!record.recordAtFault()) {
        throw new IllegalStateException(
            "cannot read " + record.topic() + ": " + record.reason(), e);
      }
      unreadable.accept(record);
      consumer.seek(record.topicPartition(), record.nextOffset());
    }
    return true;
  }

  /**
   * Every partition of {@code topic}.
   *
   * @throws KafkaSetupException naming the topic and the fix, when the topic does not exist
   */
  public static List<TopicPartition> partitions(
      KafkaConsumer<?, ?> consumer, String topic, ConnectionSettings connection) {
    // A topic created a moment ago may not be in every broker's metadata yet: ask again for a while
    // before calling it missing.
    long deadline = System.nanoTime() + TOPIC_METADATA_WAIT.toNanos();
    while (true) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic);
      if (infos != null && !infos.isEmpty()) {
        return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
      }
      if (System.nanoTime() > deadline) {
        throw new KafkaSetupException(
            "topic "
                + topic
                + " does not exist on "
                + connection.bootstrapServers()
                + ": create the topics with `emotion topics create`, or check --topic-prefix");
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while looking up " + topic, e);
      }
    }
  }

  /**
   * Seeks to the beginning or the end and resolves the position at once (seeks are lazy), so when
   * this returns any record written afterwards will be read.
   */
  public static void position(
      KafkaConsumer<?, ?> consumer, Collection<TopicPartition> partitions, boolean fromBeginning) {
    if (fromBeginning) {
      consumer.seekToBeginning(partitions);
    } else {
      consumer.seekToEnd(partitions);
    }
    partitions.forEach(consumer::position);
  }

  /** A consumer of committed transactions only, that commits nothing by itself. */
  public static Map<String, Object> readerConfig(ConnectionSettings settings) {
    return ClientConfig.of(settings)
        .require(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            "the services write in transactions, and an aborted write must not be read")
        .require(
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            "offsets are committed in the trainer's transactions, or not at all")
        .orDefault(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
        .orDefault(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50)
        .values();
  }
}
