package io.emotionstream.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.avro.Usage;
import io.emotionstream.data.Fer2013Writer;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SharedCluster;
import io.emotionstream.testing.TopicRecords;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class FrameProducerTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();

  @Test
  void publishesImagesOfAnySizeAs48x48FramesAndDeadLettersFilesThatAreNotImages(@TempDir Path dir)
      throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    // Given a colour PNG, a JPEG of another size, and a file that only pretends to be a PNG
    ImageIO.write(drawing(120, 90), "png", dir.resolve("a.png").toFile());
    ImageIO.write(drawing(64, 200), "jpg", dir.resolve("b.jpg").toFile());
    Files.writeString(dir.resolve("c.png"), "not an image");

    ProduceSummary summary;
    try (FrameProducer producer = new FrameProducer(connection, kafka.serdes());
        FrameSource frames = ImageFolderFrames.open(dir)) {
      summary = producer.send(frames, "door-cam", RatePacer.unlimited(), 0, read -> {});
    }

    assertEquals(2, summary.sent());
    assertEquals(1, summary.rejected());
    List<ConsumerRecord<String, FaceFrame>> frames =
        TopicRecords.readAtLeast(
            connection,
            connection.topics().frames(),
            kafka.serdes().keys().deserializer(),
            kafka.serdes().frames().deserializer(),
            2);
    assertEquals(2, frames.size());
    for (ConsumerRecord<String, FaceFrame> record : frames) {
      assertEquals("door-cam", record.key());
      assertEquals(48, record.value().getWidth());
      assertEquals(48, record.value().getHeight());
      assertEquals(48 * 48, record.value().getPixels().remaining());
      assertNull(record.value().getLabel());
    }
    DeadLetter letter =
        TopicRecords.readAtLeast(
                connection,
                connection.topics().deadLetters(),
                kafka.serdes().keys().deserializer(),
                kafka.serdes().deadLetters().deserializer(),
                1)
            .get(0)
            .value();
    assertEquals("c.png", letter.getLocation());
    assertEquals(FrameProducer.STAGE, letter.getStage());
  }

  @Test
  void attachesCsvLabelsOnlyWhenAsked(@TempDir Path dir) throws Exception {
    ConnectionSettings connection = FreshTopics.on(kafka.cluster());
    Path csv = dir.resolve("faces.csv");
    try (Fer2013Writer writer = Fer2013Writer.create(csv, true)) {
      writer.write(Emotion.SURPRISE, new byte[48 * 48], Usage.TEST);
    }
    String topic = connection.topics().frames();
    try (FrameProducer producer = new FrameProducer(connection, kafka.serdes())) {
      try (FrameSource labelled = CsvFrames.open(csv, true)) {
        producer.send(labelled, "labelled", RatePacer.unlimited(), 0, read -> {});
      }
      try (FrameSource unlabelled = CsvFrames.open(csv, false)) {
        producer.send(unlabelled, "unlabelled", RatePacer.unlimited(), 0, read -> {});
      }
    }
    List<ConsumerRecord<String, FaceFrame>> frames =
        TopicRecords.readAtLeast(
            connection,
            topic,
            kafka.serdes().keys().deserializer(),
            kafka.serdes().frames().deserializer(),
            2);
    assertTrue(
        frames.stream()
            .anyMatch(r -> r.key().equals("labelled") && r.value().getLabel() == Emotion.SURPRISE));
    assertTrue(
        frames.stream()
            .anyMatch(r -> r.key().equals("unlabelled") && r.value().getLabel() == null));
  }

  private static BufferedImage drawing(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(200, 120, 40));
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    return image;
  }
}
