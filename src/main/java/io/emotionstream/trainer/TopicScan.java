package io.emotionstream.trainer;

import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.KafkaSetupException;
import io.emotionstream.kafka.serde.UnreadableRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a whole topic once, from the beginning to the end offsets of the moment it starts, committed
 * transactions only. Records that cannot be deserialized go to {@code unreadable} and are skipped.
 */
final class TopicScan {
  private TopicScan() {}

  static <V> void readAll(ConnectionSettings settings, String topic, Deserializer<String> keys,
      Deserializer<V> values, Consumer<ConsumerRecord<String, V>> handler, Consumer<UnreadableRecord> unreadable) {
    try (KafkaConsumer<String, V> consumer = atBeginning(settings, topic, keys, values)) {
      readToEnd(consumer, handler, unreadable);
    }
  }

  /** Polls an assigned consumer up to the end its partitions have now. */
  static <V> void readToEnd(KafkaConsumer<String, V> consumer, Consumer<ConsumerRecord<String, V>> handler,
      Consumer<UnreadableRecord> unreadable) {
    readUntil(consumer, consumer.endOffsets(consumer.assignment()), handler, unreadable);
  }

  /** A committed-only consumer assigned every partition of {@code topic}, at their beginning. */
  static <V> KafkaConsumer<String, V> atBeginning(ConnectionSettings settings, String topic,
      Deserializer<String> keys, Deserializer<V> values) {
    KafkaConsumer<String, V> consumer = new KafkaConsumer<>(readerConfig(settings), keys, values);
    try {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      return consumer;
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /** Polls an assigned consumer until its position reaches {@code end} on every partition. */
  static <V> void readUntil(KafkaConsumer<String, V> consumer, Map<TopicPartition, Long> end,
      Consumer<ConsumerRecord<String, V>> handler, Consumer<UnreadableRecord> unreadable) {
    Map<TopicPartition, Long> remaining = new HashMap<>(end);
    while (!remaining.isEmpty()) {
      remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      if (remaining.isEmpty()) {
        return;
      }
      try {
        for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() < end.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L)) {
            handler.accept(record);
          }
        }
      } catch (RecordDeserializationException e) {
        UnreadableRecord record = UnreadableRecord.from(e);
        if (!record.recordAtFault()) {
          throw new IllegalStateException("cannot read " + record.topic() + ": " + record.reason(), e);
        }
        unreadable.accept(record);
        consumer.seek(record.topicPartition(), record.nextOffset());
      }
    }
  }

  /** Every partition of {@code topic}; a clear error when the topic does not exist. */
  static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    List<org.apache.kafka.common.PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new KafkaSetupException("topic " + topic + " does not exist: create the topics first (emotion topics)");
    }
    return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
  }

  static Map<String, Object> readerConfig(ConnectionSettings settings) {
    return settings.clientConfig(Map.of(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50));
  }
}
