package io.emotionstream.testing;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceBox;
import io.emotionstream.avro.SceneFace;
import io.emotionstream.avro.SceneFrame;
import io.emotionstream.data.Region;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.TopicSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Scene frames and the events of their faces, as the video producer and the classifier write them,
 * and a way to publish them (or any bytes) to the real topics.
 */
public final class SceneRecords {
  public static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  private SceneRecords() {}

  /**
   * A scene of {@code faceCount} faces with the given picture, captured at T0 plus 100 ms per
   * index. Its faces' boxes are a pixel each in its corner: where they are is what the events say
   * in these tests.
   */
  public static SceneFrame scene(String sourceId, long index, int faceCount, byte[] jpeg) {
    return scene(sourceId, index, faceCount, jpeg, T0.plusMillis(100 * index));
  }

  public static SceneFrame scene(
      String sourceId, long index, int faceCount, byte[] jpeg, Instant capture) {
    return SceneFrame.newBuilder()
        .setSourceId(sourceId)
        .setSceneIndex(index)
        .setSceneTimeMs(100 * index)
        .setCaptureTimeMs(capture)
        .setWidth(TestVideos.WIDTH)
        .setHeight(TestVideos.HEIGHT)
        .setFaces(Collections.nCopies(faceCount, new FaceBox(0, 0, 1, 1)))
        .setJpeg(ByteBuffer.wrap(jpeg))
        .build();
  }

  /** The classification of face {@code faceIndex} of {@code faceCount} in scene {@code index}. */
  public static EmotionEvent event(
      String sourceId,
      long index,
      int faceIndex,
      int faceCount,
      Emotion emotion,
      float confidence,
      Region box) {
    return event(
        sourceId,
        index,
        faceIndex,
        faceCount,
        emotion,
        confidence,
        box,
        T0.plusMillis(100 * index));
  }

  public static EmotionEvent event(
      String sourceId,
      long index,
      int faceIndex,
      int faceCount,
      Emotion emotion,
      float confidence,
      Region box,
      Instant capture) {
    List<Float> probabilities = new ArrayList<>(Collections.nCopies(7, (1 - confidence) / 6));
    probabilities.set(emotion.ordinal(), confidence);
    return EmotionEvent.newBuilder()
        .setFrameId(UUID.randomUUID().toString())
        .setSourceId(sourceId)
        .setEmotion(emotion)
        .setConfidence(confidence)
        .setProbabilities(probabilities)
        .setModelVersion(1)
        .setCaptureTimeMs(capture)
        .setClassifiedTimeMs(capture.plusMillis(30))
        .setScene(
            SceneFace.newBuilder()
                .setSceneIndex(index)
                .setSceneTimeMs(100 * index)
                .setSceneWidth(TestVideos.WIDTH)
                .setSceneHeight(TestVideos.HEIGHT)
                .setFaceIndex(faceIndex)
                .setFaceCount(faceCount)
                .setBox(new FaceBox(box.x(), box.y(), box.width(), box.height()))
                .build())
        .build();
  }

  /**
   * Frame {@code index} of a {@code frames}-frame test video (the astronaut panned and zoomed) as
   * JPEG.
   */
  public static byte[] videoFrameJpeg(int index, int frames) {
    try (Mat photo = TestVideos.photo();
        Mat frame = TestVideos.frame(photo, index, frames);
        BytePointer encoded = new BytePointer()) {
      if (!opencv_imgcodecs.imencode(".jpg", frame, encoded)) {
        throw new IllegalStateException("OpenCV could not encode frame " + index);
      }
      byte[] jpeg = new byte[(int) encoded.limit()];
      encoded.get(jpeg);
      return jpeg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Publishes frame {@code index} of a {@code frames}-frame test video as a scene with one face,
   * and that face's event (its box where the test video has the face).
   */
  public static void publishVideoFrame(
      ConnectionSettings connection,
      TopicSerdes serdes,
      String sourceId,
      int index,
      int frames,
      Emotion emotion,
      float confidence) {
    String scenes = connection.topics().scenes();
    String events = connection.topics().events();
    SceneFrame scene = scene(sourceId, index, 1, videoFrameJpeg(index, frames));
    EmotionEvent event =
        event(sourceId, index, 0, 1, emotion, confidence, TestVideos.face(index, frames));
    publish(
        connection,
        List.of(
            new Raw(scenes, sourceId, serdes.scenes().serializer().serialize(scenes, scene)),
            new Raw(events, sourceId, serdes.events().serializer().serialize(events, event))));
  }

  /** A record of raw bytes (Avro or not) to publish. */
  public record Raw(String topic, String key, byte[] value) {}

  /** Sends the records in order and waits until the broker has them all. */
  public static void publish(ConnectionSettings connection, List<Raw> records) {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            connection.clientConfig(
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicSpec.MAX_RECORD_BYTES)),
            new StringSerializer(),
            new ByteArraySerializer())) {
      List<Future<?>> sent = new ArrayList<>();
      for (Raw record : records) {
        sent.add(producer.send(new ProducerRecord<>(record.topic(), record.key(), record.value())));
      }
      for (Future<?> future : sent) {
        future.get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not publish", e);
    }
  }
}
