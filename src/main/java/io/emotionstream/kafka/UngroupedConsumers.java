package io.emotionstream.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Consumers for viewers (monitor, dashboard, watch): they assign themselves partitions and join no
 * consumer group, so they commit nothing and never take partitions from a service. Values stay bytes, so
 * a viewer can skip a record by its key before paying for its deserialisation, and one unreadable record
 * is the viewer's to count, not an exception out of poll.
 */
public final class UngroupedConsumers {
  private static final Duration TOPIC_METADATA_WAIT = Duration.ofSeconds(5);

  private UngroupedConsumers() {}

  public static KafkaConsumer<String, byte[]> open(ConnectionSettings connection, String clientId) {
    return open(connection, clientId, Map.of());
  }

  /** @param overrides consumer settings of this viewer's own, which win */
  public static KafkaConsumer<String, byte[]> open(ConnectionSettings connection, String clientId,
      Map<String, ?> overrides) {
    Map<String, Object> config = new HashMap<>(Map.of(
        ConsumerConfig.CLIENT_ID_CONFIG, clientId,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        // A watcher never creates topics, even on a broker that would (a mistyped prefix must fail, not create).
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
        // The classifier writes in transactions: show only what it committed.
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        // Checkpoint records carry a model's weights.
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicSpec.MAX_RECORD_BYTES));
    config.putAll(overrides);
    return new KafkaConsumer<>(connection.clientConfig(config), new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Every partition of {@code topic}; a clear error naming the fix when the topic does not exist. */
  public static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic,
      ConnectionSettings connection) {
    // A topic created a moment ago may not be in every broker's metadata yet: ask again for a while
    // before calling it missing.
    long deadline = System.nanoTime() + TOPIC_METADATA_WAIT.toNanos();
    while (true) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic);
      if (infos != null && !infos.isEmpty()) {
        return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topic " + topic + " does not exist on " + connection.bootstrapServers()
            + ": create the topics with `emotion topics create`, or check --topic-prefix");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while looking up " + topic, e);
      }
    }
  }

  /**
   * Seeks to the beginning or the end and resolves the position at once (seeks are lazy), so when this
   * returns any record written afterwards will be read.
   */
  public static void position(KafkaConsumer<?, ?> consumer, Collection<TopicPartition> partitions, boolean fromBeginning) {
    if (fromBeginning) {
      consumer.seekToBeginning(partitions);
    } else {
      consumer.seekToEnd(partitions);
    }
    partitions.forEach(consumer::position);
  }
}
