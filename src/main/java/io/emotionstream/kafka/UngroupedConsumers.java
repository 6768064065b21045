package io.emotionstream.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Consumers for viewers (monitor, dashboard, watch): they assign themselves partitions and join no
 * consumer group, so they commit nothing and never take partitions from a service. Values stay bytes, so
 * a viewer can skip a record by its key before paying for its deserialisation, and one unreadable record
 * is the viewer's to count, not an exception out of poll. {@link TopicScan} places them on partitions.
 */
public final class UngroupedConsumers {
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
}
