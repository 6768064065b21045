package io.emotionstream.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceBox;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.avro.SceneFace;
import io.emotionstream.data.FaceSet;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.registry.SchemaRegistry;
import io.emotionstream.testing.ConfluentAvro;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TestCheckpoints;
import io.emotionstream.testing.TopicRecords;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * FaceFrame and EmotionEvent gained an optional scene position (version 2). Clients built on
 * version 1, kept in the test resources as it was, keep working both ways: an old producer's frames
 * are classified, and an old consumer reads the new events.
 */
@IntegrationTest
class VersionOneClientsTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();

  @Test
  void anOldProducersFramesAreClassifiedAndAnOldConsumerReadsTheEventsOfNewOnes(@TempDir Path dir)
      throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    Schema frameV1 = versionOne("FaceFrame");
    Schema eventV1 = versionOne("EmotionEvent");
    SchemaRegistry registry = kafka.serdes().registry();
    String framesSubject = connection.topics().frames() + "-value";
    // The old producer came first: its schema is version 1 of the subject.
    int frameV1Id = registry.register(framesSubject, frameV1);
    TestCheckpoints.publish(connection, kafka.serdes(), TestCheckpoints.deepEmotion(1, 11));

    try (ClassifierService classifier =
            ClassifierService.start(
                connection,
                ClassifierSettings.defaults()
                    .withApplicationId("classifier-" + UUID.randomUUID())
                    .withStateDirectory(dir),
                new DjlModelLoader(DjlModelLoader.DEFAULT_INFERENCE_THREADS));
        KafkaProducer<String, byte[]> oldProducer =
            new KafkaProducer<>(
                connection.clientConfig(),
                kafka.serdes().keys().serializer(),
                new ByteArraySerializer())) {
      GenericRecord old = new GenericData.Record(frameV1);
      old.put("frameId", "old-frame");
      old.put("sourceId", "old-camera");
      old.put("width", FaceSet.SIDE);
      old.put("height", FaceSet.SIDE);
      old.put("pixels", ByteBuffer.wrap(new byte[FaceSet.PIXELS]));
      old.put("captureTimeMs", System.currentTimeMillis());
      oldProducer
          .send(
              new ProducerRecord<>(
                  connection.topics().frames(),
                  "old-camera",
                  ConfluentAvro.encode(frameV1Id, frameV1, old)))
          .get();

      List<byte[]> events =
          TopicRecords.readAtLeast(
                  connection,
                  connection.topics().events(),
                  kafka.serdes().keys().deserializer(),
                  new ByteArrayDeserializer(),
                  1)
              .stream()
              .map(ConsumerRecord::value)
              .toList();
      EmotionEvent event =
          kafka
              .serdes()
              .events()
              .deserializer()
              .deserialize(connection.topics().events(), events.get(0));
      assertEquals("old-frame", event.getFrameId());
      assertNull(event.getScene(), "a frame without a scene gives an event without one");

      // A new producer's frame with its scene registers version 2 beside the old one (BACKWARD
      // compatible).
      FaceFrame current =
          FaceFrame.newBuilder()
              .setFrameId("new-frame")
              .setSourceId("cam")
              .setWidth(FaceSet.SIDE)
              .setHeight(FaceSet.SIDE)
              .setPixels(ByteBuffer.wrap(new byte[FaceSet.PIXELS]))
              .setCaptureTimeMs(java.time.Instant.now())
              .setScene(new SceneFace(7L, 466L, 640, 480, 0, 1, new FaceBox(177, 66, 95, 95)))
              .build();
      try (KafkaProducer<String, FaceFrame> producer =
          new KafkaProducer<>(
              connection.clientConfig(),
              kafka.serdes().keys().serializer(),
              kafka.serdes().frames().serializer())) {
        producer.send(new ProducerRecord<>(connection.topics().frames(), "cam", current)).get();
      }
      assertEquals(List.of(1, 2), registry.versions(framesSubject));

      List<byte[]> both =
          TopicRecords.readAtLeast(
                  connection,
                  connection.topics().events(),
                  kafka.serdes().keys().deserializer(),
                  new ByteArrayDeserializer(),
                  2)
              .stream()
              .map(ConsumerRecord::value)
              .toList();
      byte[] newEvent = both.get(1);
      int writerId = ByteBuffer.wrap(newEvent, 1, 4).getInt();
      Schema writer = registry.schemaById(writerId);
      GenericRecord asOldConsumerSeesIt =
          new GenericDatumReader<GenericRecord>(writer, eventV1)
              .read(
                  null, DecoderFactory.get().binaryDecoder(newEvent, 5, newEvent.length - 5, null));
      assertEquals("new-frame", asOldConsumerSeesIt.get("frameId").toString());
      assertEquals(eventV1, asOldConsumerSeesIt.getSchema());
      assertNull(asOldConsumerSeesIt.getSchema().getField("scene"));
      EmotionEvent asNewConsumerSeesIt =
          kafka
              .serdes()
              .events()
              .deserializer()
              .deserialize(connection.topics().events(), newEvent);
      assertEquals(
          current.getScene(),
          asNewConsumerSeesIt.getScene(),
          "the new event carries the scene through");
    }
  }

  /** The schema as version 1 of the product published it, with the named types it used. */
  private static Schema versionOne(String name) throws IOException {
    Schema.Parser parser = new Schema.Parser();
    parser.parse(Path.of("schemas/common/Emotion.avsc").toFile());
    try (InputStream in =
        VersionOneClientsTest.class.getResourceAsStream("/schemas/v1/" + name + ".avsc")) {
      return parser.parse(in);
    }
  }
}
