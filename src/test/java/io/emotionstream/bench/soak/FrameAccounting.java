package io.emotionstream.bench.soak;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.classifier.ClassifierTopology;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Frames in against what the classifier committed for them: every frame must come out once, as an
 * event or a dead letter. Reads as any consumer of the product does, read_committed, from the
 * beginning.
 */
final class FrameAccounting implements AutoCloseable {
  private final ConnectionSettings connection;
  private final TopicSerdes serdes;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<TopicPartition> outputs;
  private long events;
  private long frameDeadLetters;

  /** The counts so far. */
  record Counts(long frames, long events, long deadLetters) {
    boolean balanced() {
      return frames == events + deadLetters;
    }
  }

  FrameAccounting(ConnectionSettings connection, TopicSerdes serdes) {
    this.connection = connection;
    this.serdes = serdes;
    this.consumer =
        new KafkaConsumer<>(
            connection.clientConfig(
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    this.outputs = new ArrayList<>(partitions(connection.topics().events()));
    outputs.addAll(partitions(connection.topics().deadLetters()));
    consumer.assign(outputs);
    consumer.seekToBeginning(outputs);
  }

  /**
   * Reads everything committed up to now (its end offsets are the last stable ones,
   * read_committed); frames are counted by the end offsets of their topic: the frame producer is
   * idempotent and not transactional, so each offset is one frame.
   */
  Counts count() {
    long produced =
        consumer.endOffsets(partitions(connection.topics().frames())).values().stream()
            .mapToLong(Long::longValue)
            .sum();
    Map<TopicPartition, Long> committed = consumer.endOffsets(outputs);
    while (outputs.stream().anyMatch(p -> consumer.position(p) < committed.get(p))) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
        if (record.topic().equals(connection.topics().events())) {
          events++;
        } else {
          DeadLetter letter =
              serdes.deadLetters().deserializer().deserialize(record.topic(), record.value());
          if (ClassifierTopology.FRAME_STAGE.equals(letter.getStage())) {
            frameDeadLetters++;
          }
        }
      }
    }
    return new Counts(produced, events, frameDeadLetters);
  }

  private List<TopicPartition> partitions(String topic) {
    return consumer.partitionsFor(topic).stream()
        .map(info -> new TopicPartition(topic, info.partition()))
        .toList();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
