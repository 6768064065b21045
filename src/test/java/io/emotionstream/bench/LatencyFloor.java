package io.emotionstream.bench;

import ai.djl.Device;
import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.classifier.DjlModelLoader;
import io.emotionstream.data.SyntheticFaces;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.model.CheckpointFile;
import io.emotionstream.model.EmotionPredictor;
import io.emotionstream.model.IntraOpThreads;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the steps of a frame's way cost at best on this machine, one at a time, each the median of
 * many rounds: a record's hop through the broker (produced, then read by a {@code read_committed}
 * consumer already waiting), an exactly-once commit (what Kafka Streams does at each commit: a
 * transaction with one event-sized record and the consumer offsets in it), the same record's hop
 * when it is read only once that transaction commits, and one batch-1 forward of the model on one
 * libtorch thread (the classifier's default). No classifier runs meanwhile.
 *
 * @param hopMillis produce one record → a waiting consumer has it
 * @param commitMillis begin, send, send offsets, commit → the commit returns
 * @param committedHopMillis begin, send, send offsets, commit → a waiting {@code read_committed}
 *     consumer has it
 * @param forwardMillis one face through the model
 */
record LatencyFloor(
    double hopMillis, double commitMillis, double committedHopMillis, double forwardMillis) {
  private static final int ROUNDS = 300;
  private static final int WARM_UP_ROUNDS = 50;

  /** An {@code EmotionEvent} in Avro, with the wire format's 5 bytes, is about this long. */
  private static final int EVENT_BYTES = 100;

  static LatencyFloor measure(ConnectionSettings connection, ModelCheckpoint checkpoint)
      throws Exception {
    String topic = "latency-floor-" + UUID.randomUUID();
    try (Admin admin = Admin.create(connection.clientConfig())) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    TopicPartition partition = new TopicPartition(topic, 0);
    byte[] value = new byte[EVENT_BYTES];
    new Random(3).nextBytes(value);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            connection.clientConfig(
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToEnd(List.of(partition));
      consumer.position(partition);
      double hop = hopMillis(connection, consumer, partition, value);
      double[] committed = commitMillis(connection, consumer, partition, value);
      return new LatencyFloor(hop, committed[0], committed[1], forwardMillis(checkpoint));
    }
  }

  private static double hopMillis(
      ConnectionSettings connection,
      KafkaConsumer<byte[], byte[]> consumer,
      TopicPartition partition,
      byte[] value)
      throws ExecutionException, InterruptedException {
    double[] millis = new double[ROUNDS];
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            connection.clientConfig(
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0)),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (int round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
        long start = System.nanoTime();
        producer.send(new ProducerRecord<>(partition.topic(), value));
        awaitOne(consumer);
        if (round >= 0) {
          millis[round] = (System.nanoTime() - start) / 1e6;
        }
      }
    }
    return median(millis);
  }

  /** The commit alone, and the commit with the reader's fetch of what it made visible. */
  private static double[] commitMillis(
      ConnectionSettings connection,
      KafkaConsumer<byte[], byte[]> consumer,
      TopicPartition partition,
      byte[] value) {
    double[] commit = new double[ROUNDS];
    double[] committedHop = new double[ROUNDS];
    ConsumerGroupMetadata group = new ConsumerGroupMetadata("latency-floor-" + UUID.randomUUID());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            connection.clientConfig(
                Map.of(
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    "latency-floor-" + UUID.randomUUID(),
                    ProducerConfig.LINGER_MS_CONFIG,
                    0)),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      producer.initTransactions();
      for (int round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
        long start = System.nanoTime();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(partition.topic(), value));
        producer.sendOffsetsToTransaction(
            Map.of(partition, new OffsetAndMetadata(round + WARM_UP_ROUNDS)), group);
        producer.commitTransaction();
        long committed = System.nanoTime();
        awaitOne(consumer);
        if (round >= 0) {
          commit[round] = (committed - start) / 1e6;
          committedHop[round] = (System.nanoTime() - start) / 1e6;
        }
      }
    }
    return new double[] {median(commit), median(committedHop)};
  }

  private static void awaitOne(KafkaConsumer<byte[], byte[]> consumer) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (consumer.poll(Duration.ofMillis(500)).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("a record produced 30 s ago has not been read");
      }
    }
  }

  /**
   * On a thread of its own: one libtorch thread is set per thread, and must not stay on the
   * caller's.
   */
  private static double forwardMillis(ModelCheckpoint checkpoint) throws Exception {
    byte[][] face = {SyntheticFaces.face(Emotion.HAPPY, new Random(4))};
    return CompletableFuture.supplyAsync(
            () -> {
              IntraOpThreads.useOnCurrentThread(DjlModelLoader.DEFAULT_INFERENCE_THREADS);
              try (EmotionPredictor predictor =
                  EmotionPredictor.of(
                      CheckpointFile.fromRecord(checkpoint).weights(), Device.cpu(), 1)) {
                double[] millis = new double[ROUNDS];
                for (int round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
                  long start = System.nanoTime();
                  predictor.predict(face);
                  if (round >= 0) {
                    millis[round] = (System.nanoTime() - start) / 1e6;
                  }
                }
                return median(millis);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            runnable -> new Thread(runnable, "latency-floor-forward").start())
        .get();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /**
   * Under exactly-once: the frame's hop to the classifier, its forward, and the committed hop of
   * its event.
   */
  double exactlyOnceMillis() {
    return hopMillis + forwardMillis + committedHopMillis;
  }

  /** Under at-least-once: the frame's hop, its forward, and its event's hop. */
  double atLeastOnceMillis() {
    return hopMillis + forwardMillis + hopMillis;
  }

  @Override
  public String toString() {
    return String.format(
        "floor on this machine (medians of %d, nothing else running): a record's hop through the "
            + "broker (produce -> read by a waiting read_committed consumer) %.1f ms; one exactly-once commit (begin, "
            + "send one %d-byte record, send offsets, commit) %.1f ms, and until a read_committed consumer has that record "
            + "%.1f ms; one batch-1 forward of the model (EmotionPredictor, %d libtorch thread) %.1f ms%n"
            + "  so at best: exactly-once %.1f ms (hop + forward + committed hop), at-least-once %.1f ms (hop + forward + "
            + "hop)",
        ROUNDS,
        hopMillis,
        EVENT_BYTES,
        commitMillis,
        committedHopMillis,
        DjlModelLoader.DEFAULT_INFERENCE_THREADS,
        forwardMillis,
        exactlyOnceMillis(),
        atLeastOnceMillis());
  }
}
