package io.emotionstream.trainer;

import io.emotionstream.avro.TrainingExample;
import io.emotionstream.avro.Usage;
import io.emotionstream.data.EpochBatches;
import io.emotionstream.data.FaceSet;
import io.emotionstream.data.ShuffledFaces;
import io.emotionstream.data.TrainingFaces;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.DeadLetterPublisher;
import io.emotionstream.kafka.DeadLetters;
import io.emotionstream.kafka.TopicScan;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.serde.UnreadableRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training topic as epochs. An epoch covers the topic from the beginning to the end offsets
 * taken when it starts. While the training faces fit under the cache limit they are kept in memory
 * as compact bytes and each epoch reads only the offsets that are new; past it, each epoch streams
 * the topic again through a {@link ShuffleBuffer}. Validation faces are always kept, test faces
 * ignored. A record that cannot be read, or holds no 48x48 face, goes to the dead letters once and
 * is skipped.
 */
final class TrainingData implements TrainingFaces, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingData.class);
  static final String STAGE = "trainer";

  private final String topic;
  private final KafkaConsumer<String, TrainingExample> consumer;
  private final DeadLetterPublisher deadLetters;
  private final int cacheLimit;
  private final int shuffleBuffer;
  private final List<TopicPartition> partitions;

  /** Everything before these offsets has been taken into the cache (or the validation set). */
  private final Map<TopicPartition, Long> seenUpTo = new HashMap<>();

  private FaceSet training = new FaceSet();
  private final FaceSet validation = new FaceSet();

  /** Training faces of the last streamed pass: the size of the next one, as far as known. */
  private long lastPassFaces;

  TrainingData(
      ConnectionSettings settings,
      TopicSerdes serdes,
      DeadLetterPublisher deadLetters,
      int cacheLimit,
      int shuffleBuffer) {
    this.topic = settings.topics().training();
    this.deadLetters = deadLetters;
    this.cacheLimit = cacheLimit;
    this.shuffleBuffer = shuffleBuffer;
    // Raw bytes, deserialized here, so that one bad record is dead-lettered with its exact offset.
    this.consumer =
        new KafkaConsumer<>(
            TopicScan.readerConfig(settings),
            Serdes.String().deserializer(),
            serdes.trainingExamples().deserializer());
    this.partitions =
        TopicScan.partitions(consumer, topic, settings).stream()
            .sorted(Comparator.comparingInt(TopicPartition::partition))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    partitions.forEach(p -> seenUpTo.put(p, 0L));
  }

  /**
   * Starts an epoch: takes the end offsets now and returns the training faces up to them, shuffled.
   */
  @Override
  public EpochBatches nextEpoch(Random random) {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    if (training != null) {
      long started = System.nanoTime();
      int before = training.size() + validation.size();
      partitions.forEach(p -> consumer.seek(p, seenUpTo.get(p)));
      readInPartitionOrder(end);
      partitions.forEach(p -> seenUpTo.put(p, end.get(p)));
      LOG.info(
          "read {} new faces from {} in {} ms ({} training, {} validation in memory)",
          training.size() + validation.size() - before,
          topic,
          (System.nanoTime() - started) / 1_000_000,
          training.size(),
          validation.size());
      if (training.size() > cacheLimit) {
        LOG.info(
            "{} training faces exceed the cache limit of {}: streaming each epoch from now on",
            training.size(),
            cacheLimit);
        training = null;
      } else {
        return new ShuffledFaces(training, random);
      }
    }
    consumer.seekToBeginning(partitions);
    return new StreamedBatches(end, random);
  }

  /**
   * Reads up to {@code end} one partition after another: the faces then sit in the same order on
   * every run, so a seeded run trains on the same batches however the fetches interleave
   * partitions.
   */
  private void readInPartitionOrder(Map<TopicPartition, Long> end) {
    try {
      for (TopicPartition partition : partitions) {
        consumer.pause(partitions);
        consumer.resume(List.of(partition));
        TopicScan.readUntil(
            consumer, Map.of(partition, end.get(partition)), this::take, this::deadLetter);
      }
    } finally {
      consumer.resume(partitions);
    }
  }

  /** Validation faces seen so far: those before the end offsets of the current epoch. */
  @Override
  public FaceSet validation() {
    return validation;
  }

  @Override
  public String describe() {
    return "the examples on " + topic;
  }

  private void take(ConsumerRecord<String, TrainingExample> record) {
    TrainingExample example = record.value();
    if (example == null) {
      return; // a tombstone: nothing to learn
    }
    ByteBuffer pixels = example.getPixels();
    if (pixels.remaining() != FaceSet.PIXELS) {
      deadLetter(
          record,
          "a 48x48 face needs " + FaceSet.PIXELS + " pixels, the record has " + pixels.remaining());
      return;
    }
    byte[] face = new byte[FaceSet.PIXELS];
    pixels.duplicate().get(face);
    if (example.getUsage() == Usage.TRAINING) {
      if (training != null) {
        training.add(face, example.getLabel());
      }
    } else if (example.getUsage() == Usage.VALIDATION) {
      validation.add(face, example.getLabel());
    }
  }

  private void deadLetter(ConsumerRecord<String, TrainingExample> record, String reason) {
    deadLetters.publish(
        record.key(),
        DeadLetters.fromRecord(
            STAGE,
            reason,
            null,
            record.topic(),
            record.partition(),
            record.offset(),
            bytes(record.key()),
            null));
  }

  private void deadLetter(UnreadableRecord record) {
    if (record.offset() < seenUpTo.getOrDefault(record.topicPartition(), 0L)) {
      return; // dead-lettered on an earlier pass
    }
    deadLetters.publish(
        record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
        DeadLetters.fromRecord(
            STAGE,
            record.describe(),
            null,
            record.topic(),
            record.partition(),
            record.offset(),
            record.key(),
            record.value()));
  }

  private static byte[] bytes(String key) {
    return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
  }

  /** One streamed pass from the beginning to {@code end}, through a shuffle buffer. */
  private final class StreamedBatches implements EpochBatches {
    private final Map<TopicPartition, Long> end;
    private final Map<TopicPartition, Long> remaining;
    private final ShuffleBuffer buffer;
    private final Queue<ConsumerRecord<String, TrainingExample>> polled = new ArrayDeque<>();
    private long count;

    StreamedBatches(Map<TopicPartition, Long> end, Random random) {
      this.end = end;
      this.remaining = new HashMap<>(end);
      this.buffer = new ShuffleBuffer(shuffleBuffer, random);
    }

    @Override
    public int faces() {
      return (int) lastPassFaces;
    }

    @Override
    public int fill(byte[] pixels, long[] labels) {
      int filled = 0;
      while (filled < labels.length) {
        while (!buffer.isFull() && refill()) {
          ConsumerRecord<String, TrainingExample> record = polled.poll();
          boolean known =
              record.offset()
                  < seenUpTo.get(new TopicPartition(record.topic(), record.partition()));
          TrainingExample example = record.value();
          if (example == null || example.getPixels().remaining() != FaceSet.PIXELS) {
            if (!known) {
              take(record); // dead-letters it
            }
          } else if (example.getUsage() == Usage.TRAINING) {
            byte[] face = new byte[FaceSet.PIXELS];
            example.getPixels().duplicate().get(face);
            buffer.add(face, example.getLabel().ordinal());
          } else if (!known) {
            take(record);
          }
        }
        if (buffer.isEmpty()) {
          break;
        }
        labels[filled] = buffer.takeInto(pixels, filled);
        filled++;
      }
      count += filled;
      if (filled == 0) {
        partitions.forEach(p -> seenUpTo.put(p, end.get(p)));
        lastPassFaces = count;
      }
      return filled;
    }

    /** True when a polled record is waiting; false once the pass has reached its end offsets. */
    private boolean refill() {
      while (polled.isEmpty()) {
        if (!TopicScan.pollBefore(
            consumer, end, remaining, polled::add, TrainingData.this::deadLetter)) {
          return false;
        }
      }
      return true;
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
