package io.emotionstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.classifier.ClassifierService;
import io.emotionstream.classifier.ClassifierSettings;
import io.emotionstream.classifier.DjlModelLoader;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.Topics;
import io.emotionstream.kafka.registry.SchemaRegistryServer;
import io.emotionstream.producer.FrameProducer;
import io.emotionstream.producer.RatePacer;
import io.emotionstream.producer.SyntheticFrames;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.TestCheckpoints;
import io.emotionstream.testing.TopicRecords;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The system against a real Kafka broker in a container (the official apache/kafka image, KRaft),
 * as in docker/compose.yaml. Runs where a Docker engine does; skipped elsewhere (our own machines).
 */
@Testcontainers(disabledWithoutDocker = true)
@IntegrationTest
class SystemOnKafkaContainerTest {
  @Container static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

  @Test
  void classifiesEveryFrameThroughAKafkaContainer(@TempDir Path state) throws Exception {
    try (SchemaRegistryServer registry =
        SchemaRegistryServer.start(SchemaRegistryServer.Settings.of(KAFKA.getBootstrapServers()))) {
      ConnectionSettings connection =
          new ConnectionSettings(
              KAFKA.getBootstrapServers(), registry.url(), Map.of(), Topics.standard());
      new TopicCreator(connection.clientConfig())
          .createMissing(connection.topics().all(3, (short) 1));
      TopicSerdes serdes = TopicSerdes.connect(connection);
      ModelCheckpoint checkpoint = TestCheckpoints.deepEmotion(1, 5);
      TestCheckpoints.publish(connection, serdes, checkpoint);

      try (ClassifierService classifier =
              ClassifierService.start(
                  connection,
                  ClassifierSettings.defaults().withStateDirectory(state),
                  new DjlModelLoader(DjlModelLoader.DEFAULT_INFERENCE_THREADS));
          FrameProducer frames = new FrameProducer(connection, serdes)) {
        frames.send(
            new SyntheticFrames(2, 1.0), "container-cam", RatePacer.unlimited(), 60, n -> {});
        List<ConsumerRecord<String, EmotionEvent>> events =
            TopicRecords.readAtLeast(
                connection,
                connection.topics().events(),
                serdes.keys().deserializer(),
                serdes.events().deserializer(),
                60);
        Set<String> frameIds =
            events.stream().map(r -> r.value().getFrameId()).collect(Collectors.toSet());
        assertEquals(60, events.size());
        assertEquals(60, frameIds.size());
      }
    }
  }
}
