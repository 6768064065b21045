package io.emotionstream.kafka;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Consumers for viewers (monitor, dashboard, watch): they assign themselves partitions and join no
 * consumer group, so they commit nothing and never take partitions from a service. Values stay
 * bytes, so a viewer can skip a record by its key before paying for its deserialisation, and one
 * unreadable record is the viewer's to count, not an exception out of poll. {@link TopicScan}
 * places them on partitions.
 */
public final class UngroupedConsumers {
  private UngroupedConsumers() {}

  public static KafkaConsumer<String, byte[]> open(ConnectionSettings connection, String clientId) {
    return open(connection, clientId, Map.of());
  }

  /**
   * @param overrides tuning of this viewer's own, over the common one; the user's client config
   *     still wins
   */
  public static KafkaConsumer<String, byte[]> open(
      ConnectionSettings connection, String clientId, Map<String, ?> overrides) {
    ClientConfig config =
        ClientConfig.of(connection)
            .require(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, "a viewer commits nothing")
            .require(
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                false,
                "a viewer never creates topics, so that a mistyped --topic-prefix fails instead")
            .require(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                "the services write in transactions: a viewer shows only what they committed")
            .orDefault(ConsumerConfig.CLIENT_ID_CONFIG, clientId)
            // Checkpoint records carry a model's weights.
            .orDefault(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicSpec.MAX_RECORD_BYTES)
            .orDefaults(overrides);
    return new KafkaConsumer<>(
        config.values(), new StringDeserializer(), new ByteArrayDeserializer());
  }
}
