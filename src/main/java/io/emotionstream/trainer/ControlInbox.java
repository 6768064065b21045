package io.emotionstream.trainer;

import io.emotionstream.avro.ControlCommand;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.DeadLetterPublisher;
import io.emotionstream.kafka.DeadLetters;
import io.emotionstream.kafka.TopicScan;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.serde.UnreadableRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control topic as seen by one model's trainer. The offset up to which commands have been
 * applied is committed in the trainer's transactions under the group id; everything before it is
 * history ({@link #history}), everything after it is new ({@link #poll}). Commands keyed by another
 * model's name are passed over; unreadable ones go to the dead letters.
 */
final class ControlInbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlInbox.class);

  /** A command and where it sits on the topic. */
  record Entry(long offset, ControlCommand command) {}

  private final KafkaConsumer<String, ControlCommand> consumer;
  private final DeadLetterPublisher deadLetters;
  private final String modelName;
  private final List<TopicPartition> partitions;
  private final Map<TopicPartition, Long> committed = new HashMap<>();

  ControlInbox(
      ConnectionSettings settings,
      TopicSerdes serdes,
      String groupId,
      String modelName,
      DeadLetterPublisher deadLetters) {
    this.modelName = modelName;
    this.deadLetters = deadLetters;
    Map<String, Object> config = new HashMap<>(TopicScan.readerConfig(settings));
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    consumer =
        new KafkaConsumer<>(config, serdes.keys().deserializer(), serdes.commands().deserializer());
    String topic = settings.topics().control();
    partitions = TopicScan.partitions(consumer, topic, settings);
    consumer.assign(partitions);
    Map<TopicPartition, OffsetAndMetadata> offsets = consumer.committed(new HashSet<>(partitions));
    partitions.forEach(
        p -> {
          OffsetAndMetadata offset = offsets.get(p);
          committed.put(p, offset == null ? 0L : offset.offset());
        });
  }

  /** The commands already applied by earlier trainers, in topic order. */
  List<Entry> history() {
    List<Entry> entries = new ArrayList<>();
    consumer.seekToBeginning(partitions);
    TopicScan.readUntil(
        consumer,
        committed,
        record -> {
          if (isOurs(record)) {
            entries.add(new Entry(record.offset(), record.value()));
          }
        },
        unreadable -> {
          /* dead-lettered when it was new */
        });
    committed.forEach(consumer::seek);
    return entries;
  }

  /**
   * New commands, waiting up to {@code timeout} for the first; unreadable records are
   * dead-lettered.
   */
  List<Entry> poll(Duration timeout) {
    List<Entry> entries = new ArrayList<>();
    try {
      for (ConsumerRecord<String, ControlCommand> record : consumer.poll(timeout)) {
        if (isOurs(record)) {
          entries.add(new Entry(record.offset(), record.value()));
        }
      }
    } catch (RecordDeserializationException e) {
      UnreadableRecord record = UnreadableRecord.from(e);
      if (!record.recordAtFault()) {
        LOG.warn("cannot read the control topic now, will retry: {}", record.reason());
        return entries;
      }
      deadLetters.publish(
          record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
          DeadLetters.fromRecord(
              TrainingData.STAGE,
              record.describe(),
              e.getCause(),
              record.topic(),
              record.partition(),
              record.offset(),
              record.key(),
              record.value()));
      deadLetters.flush();
      consumer.seek(record.topicPartition(), record.nextOffset());
    }
    return entries;
  }

  /** The next offset to read per partition: what to commit once the polled commands are applied. */
  Map<TopicPartition, Long> position() {
    Map<TopicPartition, Long> position = new HashMap<>();
    partitions.forEach(p -> position.put(p, consumer.position(p)));
    return position;
  }

  private boolean isOurs(ConsumerRecord<String, ControlCommand> record) {
    boolean ours =
        record.value() != null && (record.key() == null || record.key().equals(modelName));
    if (!ours) {
      LOG.debug(
          "passing over control record at offset {} for model {}", record.offset(), record.key());
    }
    return ours;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
