package io.emotionstream.testing;

import static org.awaitility.Awaitility.await;

import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicScan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a whole topic from the beginning in tests, waiting until the expected count has arrived.
 */
public final class TopicRecords {
  private TopicRecords() {}

  public static <V> List<ConsumerRecord<String, V>> readAtLeast(
      ConnectionSettings settings,
      String topic,
      Deserializer<String> keys,
      Deserializer<V> values,
      int expected) {
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(
            settings.clientConfig(
                Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
            keys,
            values)) {
      List<TopicPartition> partitions = TopicScan.partitions(consumer, topic, settings);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return records.size() >= expected;
              });
      // Anything beyond the expected count would be a duplicate; give it one more poll to show up.
      consumer.poll(Duration.ofMillis(300)).forEach(records::add);
    }
    return records;
  }
}
