package io.emotionstream.testing;

import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicScan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.awaitility.Awaitility;

/**
 * Follows one topic from its beginning in a test (committed records only), keeping all values in
 * order.
 */
public final class TopicWatch<V> implements AutoCloseable {
  private final KafkaConsumer<String, V> consumer;
  private final List<V> values = new ArrayList<>();

  public TopicWatch(
      ConnectionSettings settings,
      String topic,
      Deserializer<String> keys,
      Deserializer<V> valueDeserializer) {
    consumer =
        new KafkaConsumer<>(
            settings.clientConfig(
                Map.of(
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed",
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                    50)),
            keys,
            valueDeserializer);
    List<TopicPartition> partitions = TopicScan.partitions(consumer, topic, settings);
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Waits until some value read so far matches, and returns it. */
  public V await(Predicate<V> condition, Duration atMost) {
    Awaitility.await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              read(Duration.ofMillis(100));
              return values.stream().anyMatch(condition);
            });
    return values.stream().filter(condition).findFirst().orElseThrow();
  }

  /** Everything committed to the topic up to now. */
  public List<V> values() {
    // For a read_committed consumer the end offsets are the last stable offsets.
    TopicScan.readToEnd(
        consumer,
        record -> values.add(record.value()),
        unreadable -> {
          throw new AssertionError("unreadable record on the topic: " + unreadable.describe());
        });
    return List.copyOf(values);
  }

  private void read(Duration timeout) {
    for (ConsumerRecord<String, V> record : consumer.poll(timeout)) {
      values.add(record.value());
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
