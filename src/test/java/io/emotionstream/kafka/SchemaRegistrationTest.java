package io.emotionstream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.classifier.ClassifierService;
import io.emotionstream.classifier.ClassifierSettings;
import io.emotionstream.classifier.DjlModelLoader;
import io.emotionstream.data.FaceSet;
import io.emotionstream.kafka.registry.RegisteredSchema;
import io.emotionstream.kafka.registry.SchemaRegistryClient;
import io.emotionstream.kafka.serde.TopicNameStrategy;
import io.emotionstream.testing.CommandRun;
import io.emotionstream.testing.ConfluentAvro;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TestCheckpoints;
import io.emotionstream.testing.TopicRecords;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class SchemaRegistrationTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();

  @Test
  void onAFreshClusterAClientThatOnlyLooksUpTheLatestSchemaProducesAFrameTheClassifierClassifies(
      @TempDir Path dir) throws Exception {
    ConnectionSettings connection = kafka.cluster().connection();
    // A client of its own: nothing this process registered or cached is known to it.
    SchemaRegistryClient lookupOnly = new SchemaRegistryClient(connection.registryUrl());
    for (var topic : connection.topics().valueSchemas().entrySet()) {
      assertEquals(
          topic.getValue(),
          lookupOnly.latest(TopicNameStrategy.valueSubject(topic.getKey())).schema(),
          topic.getKey() + "'s value schema is registered with the cluster");
    }

    RegisteredSchema frameSchema =
        lookupOnly.latest(TopicNameStrategy.valueSubject(connection.topics().frames()));
    var frame =
        new GenericRecordBuilder(frameSchema.schema())
            .set("frameId", "looked-up")
            .set("sourceId", "python-camera")
            .set("width", FaceSet.SIDE)
            .set("height", FaceSet.SIDE)
            .set("pixels", ByteBuffer.wrap(new byte[FaceSet.PIXELS]))
            .set("captureTimeMs", System.currentTimeMillis())
            .build();
    TestCheckpoints.publish(connection, kafka.serdes(), TestCheckpoints.deepEmotion(1, 11));
    try (ClassifierService classifier =
            ClassifierService.start(
                connection,
                ClassifierSettings.defaults()
                    .withApplicationId("classifier-" + UUID.randomUUID())
                    .withStateDirectory(dir),
                new DjlModelLoader(DjlModelLoader.DEFAULT_INFERENCE_THREADS));
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                connection.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  connection.topics().frames(),
                  "python-camera",
                  ConfluentAvro.encode(frameSchema.id(), frameSchema.schema(), frame)))
          .get();

      List<EmotionEvent> events =
          TopicRecords.readAtLeast(
                  connection,
                  connection.topics().events(),
                  kafka.serdes().keys().deserializer(),
                  kafka.serdes().events().deserializer(),
                  1)
              .stream()
              .map(record -> record.value())
              .toList();
      assertEquals("looked-up", events.get(0).getFrameId());
    }
  }

  @Test
  void topicsCreateRegistersEverySchemaOnceAndAgainChangesNothing() {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    SchemaRegistryClient registry = new SchemaRegistryClient(connection.registryUrl());
    String frames = TopicNameStrategy.valueSubject(connection.topics().frames());

    CommandRun first = CommandRun.against(connection, "topics", "create");
    assertEquals(0, first.exitCode(), first.err());
    assertTrue(
        first.out().matches("(?s).*\\Q" + frames + "\\E +registered \\(schema id \\d+\\).*"),
        first.out());
    for (String topic : connection.topics().valueSchemas().keySet()) {
      assertEquals(List.of(1), registry.versions(TopicNameStrategy.valueSubject(topic)));
    }

    CommandRun again = CommandRun.against(connection, "topics", "create");
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(
        again.out().matches("(?s).*\\Q" + frames + "\\E +registered already.*"), again.out());
    for (String topic : connection.topics().valueSchemas().keySet()) {
      assertEquals(List.of(1), registry.versions(TopicNameStrategy.valueSubject(topic)), topic);
    }
  }

  @Test
  void aSubjectHoldingASchemaOursMayNotFollowIsAnErrorNamingSubjectAndRule() {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    SchemaRegistryClient registry = new SchemaRegistryClient(connection.registryUrl());
    String frames = TopicNameStrategy.valueSubject(connection.topics().frames());
    // Someone else's FaceFrame: ours cannot read its records (our required fields have no
    // defaults).
    Schema theirs = SchemaBuilder.record("FaceFrame").fields().requiredString("image").endRecord();
    registry.register(frames, theirs);

    KafkaSetupException refused =
        assertThrows(
            KafkaSetupException.class,
            () -> new SchemaRegistration(registry).registerAll(connection.topics()));
    assertTrue(refused.getMessage().contains(frames), refused.getMessage());
    assertTrue(refused.getMessage().contains("BACKWARD"), refused.getMessage());

    CommandRun command = CommandRun.against(connection, "topics", "create");
    assertEquals(1, command.exitCode());
    assertTrue(command.err().contains(frames) && command.err().contains("BACKWARD"), command.err());
  }
}
