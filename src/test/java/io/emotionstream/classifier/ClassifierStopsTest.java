package io.emotionstream.classifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.emotionstream.avro.FaceFrame;
import io.emotionstream.data.FaceSet;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TestCheckpoints;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A classifier that can classify nothing any more ends, so that whatever supervises it restarts it.
 */
@IntegrationTest
class ClassifierStopsTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();

  @Test
  void aFailureEveryNewStreamThreadWouldMeetAgainStopsTheServiceAndSaysWhy(@TempDir Path dir)
      throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    TestCheckpoints.publish(connection, kafka.serdes(), TestCheckpoints.deepEmotion(1, 11));
    ModelLoader brokenNatives =
        checkpoint -> {
          throw new UnsatisfiedLinkError("libtorch_cpu.so: cannot open shared object file");
        };
    try (ClassifierService classifier =
            ClassifierService.start(
                connection,
                ClassifierSettings.defaults()
                    .withApplicationId("classifier-" + UUID.randomUUID())
                    .withStateDirectory(dir),
                brokenNatives);
        KafkaProducer<String, FaceFrame> producer =
            new KafkaProducer<>(
                connection.clientConfig(),
                kafka.serdes().keys().serializer(),
                kafka.serdes().frames().serializer())) {
      CompletableFuture<Throwable> termination =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return classifier.awaitTermination();
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      producer
          .send(
              new ProducerRecord<>(
                  connection.topics().frames(),
                  "cam",
                  FaceFrame.newBuilder()
                      .setFrameId("f1")
                      .setSourceId("cam")
                      .setWidth(FaceSet.SIDE)
                      .setHeight(FaceSet.SIDE)
                      .setPixels(ByteBuffer.wrap(new byte[FaceSet.PIXELS]))
                      .setCaptureTimeMs(Instant.now())
                      .build()))
          .get();

      await().atMost(Duration.ofMinutes(1)).until(termination::isDone);
      Throwable cause = termination.get();
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      assertInstanceOf(
          UnsatisfiedLinkError.class, cause, "the failure it stopped on is the one reported");
      assertEquals(KafkaStreams.State.ERROR, classifier.state());
    }
  }
}
