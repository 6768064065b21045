package io.emotionstream.classifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a range of an input partition again, with the consumer settings Kafka Streams gives its own
 * restore consumers (same cluster, security and isolation level as the main consumer, no group).
 */
final class PartitionRereader {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionRereader.class);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private final Map<String, Object> appConfigs;

  PartitionRereader(Map<String, Object> appConfigs) {
    this.appConfigs = appConfigs;
  }

  /** The records from offset {@code from} up to, not including, {@code end}. */
  List<ConsumerRecord<byte[], byte[]>> read(TopicPartition partition, long from, long end) {
    Map<String, Object> config =
        new StreamsConfig(appConfigs).getRestoreConsumerConfigs(partition + "-reread");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(Set.of(partition));
      consumer.seek(partition, from);
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (consumer.position(partition) < end) {
        if (System.nanoTime() > deadline) {
          throw new StreamsException(
              "could not read offsets "
                  + from
                  + " to "
                  + end
                  + " of "
                  + partition
                  + " again within "
                  + PATIENCE.toSeconds()
                  + " s; the task is retried");
        }
        try {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            if (record.offset() < end) {
              records.add(record);
            }
          }
        } catch (OffsetOutOfRangeException e) {
          // Retention deleted them: nothing brings those frames back, but the ones still there are
          // read.
          LOG.error(
              "frames from offset {} of {} were deleted before they were classified; reading on from the "
                  + "partition's start",
              from,
              partition);
          consumer.seekToBeginning(Set.of(partition));
        }
      }
    }
    return records;
  }
}
