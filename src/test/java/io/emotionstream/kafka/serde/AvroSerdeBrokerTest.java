package io.emotionstream.kafka.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.kafka.registry.SchemaRegistryClient;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SharedCluster;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Avro serde in real clients, through a broker and the registry server. */
@IntegrationTest
class AvroSerdeBrokerTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();

  private static String bootstrapServers() {
    return kafka.cluster().kafka().bootstrapServers();
  }

  private static SchemaRegistryClient newClient() {
    return new SchemaRegistryClient(kafka.cluster().registry().url());
  }

  @Test
  void everyRecordTypeSurvivesARoundTripThroughBrokerAndRegistry() throws Exception {
    List<SpecificRecord> records = SampleRecords.everyType();
    createTopics(records.stream().map(r -> "roundtrip." + r.getClass().getSimpleName()).toList());

    for (SpecificRecord record : records) {
      String topic = "roundtrip." + record.getClass().getSimpleName();
      assertEquals(record, produceAndConsume(topic, record), record.getClass().getSimpleName());
      assertEquals(record.getSchema(), newClient().latest(topic + "-value").schema());
    }
  }

  @Test
  void aConsumerMeetingACorruptRecordLearnsItsPartitionAndOffsetAndMovesOn() throws Exception {
    String topic = "poisoned.frames";
    createTopics(List.of(topic));
    byte[] good =
        new AvroSerializer<>(newClient(), FaceFrame.class)
            .serialize(topic, SampleRecords.faceFrame());
    byte[] bad = "{\"frameId\":\"json\"}".getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (byte[] value : List.of(good, bad, good)) {
        producer
            .send(
                new ProducerRecord<>(topic, 0, "camera-7".getBytes(StandardCharsets.UTF_8), value))
            .get();
      }
    }

    List<FaceFrame> read = new ArrayList<>();
    List<UnreadableRecord> unreadable = new ArrayList<>();
    try (KafkaConsumer<String, FaceFrame> consumer = consumer(FaceFrame.class)) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (read.size() < 2 && System.nanoTime() < deadline) {
        try {
          consumer.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.value()));
        } catch (RecordDeserializationException e) {
          UnreadableRecord record = UnreadableRecord.from(e);
          unreadable.add(record);
          consumer.seek(record.topicPartition(), record.nextOffset());
        }
      }
    }

    assertEquals(List.of(SampleRecords.faceFrame(), SampleRecords.faceFrame()), read);
    assertEquals(1, unreadable.size());
    UnreadableRecord poison = unreadable.get(0);
    assertEquals(topic, poison.topic());
    assertEquals(0, poison.partition());
    assertEquals(1, poison.offset());
    assertFalse(poison.inKey());
    assertTrue(poison.recordAtFault());
    assertArrayEquals(bad, poison.value());
    assertEquals(
        "record at poisoned.frames partition 0 offset 1 has an unreadable value: poisoned.frames: payload does not"
            + " start with magic byte 0 (got 0x7b); not Confluent Avro wire format",
        poison.describe());
    DeadLetter letter = poison.toDeadLetter("classify", SampleRecords.TIME);
    assertEquals(poison.describe(), letter.getReason());
    assertEquals(AvroSerdeException.class.getName(), letter.getErrorClass());
    assertEquals(1L, letter.getSourceOffset());
    assertEquals(ByteBuffer.wrap(bad), letter.getPayload());
    assertEquals(ByteBuffer.wrap("camera-7".getBytes(StandardCharsets.UTF_8)), letter.getKey());
  }

  // ---- helpers ----

  private <T extends SpecificRecord> T produceAndConsume(String topic, T record) throws Exception {
    @SuppressWarnings("unchecked")
    Class<T> type = (Class<T>) record.getClass();
    try (KafkaProducer<String, T> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrapServers()),
            new StringSerializer(),
            new AvroSerializer<>(newClient(), type))) {
      producer.send(new ProducerRecord<>(topic, "key", record)).get(30, TimeUnit.SECONDS);
    }
    try (KafkaConsumer<String, T> consumer = consumer(type)) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, T> consumed : consumer.poll(Duration.ofMillis(200))) {
          return consumed.value();
        }
      }
    }
    throw new AssertionError("nothing consumed from " + topic);
  }

  private static <T extends SpecificRecord> KafkaConsumer<String, T> consumer(Class<T> type) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    return new KafkaConsumer<>(
        config, new StringDeserializer(), new AvroDeserializer<>(newClient(), type));
  }

  private static void createTopics(List<String> topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      admin
          .createTopics(topics.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList())
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }
}
