package io.emotionstream.producer;

import io.emotionstream.avro.FaceFrame;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.DeadLetterPublisher;
import io.emotionstream.kafka.DeadLetters;
import io.emotionstream.kafka.TopicSerdes;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Iterator;
import java.util.UUID;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Publishes face images as live frames of one source; input that is not an image becomes a dead
 * letter.
 */
public final class FrameProducer implements AutoCloseable {
  static final String STAGE = "produce-frames";

  private final KafkaProducer<String, FaceFrame> producer;
  private final DeadLetterPublisher deadLetters;
  private final String topic;

  public FrameProducer(ConnectionSettings settings, TopicSerdes serdes) {
    this.topic = settings.topics().frames();
    this.producer =
        new KafkaProducer<>(
            ProducerTuning.live(settings).values(),
            serdes.keys().serializer(),
            serdes.frames().serializer());
    this.deadLetters = new DeadLetterPublisher(settings, serdes);
  }

  /**
   * Sends up to {@code limit} inputs (0 for all) as frames keyed by {@code sourceId}, stamped with
   * the time each is sent as its capture time.
   */
  public ProduceSummary send(
      Iterator<FrameInput> inputs,
      String sourceId,
      RatePacer pacer,
      long limit,
      LongConsumer progress) {
    KafkaSink<FaceFrame> sink = new KafkaSink<>(producer, topic);
    long read = 0;
    while (inputs.hasNext() && (limit == 0 || read < limit)) {
      FrameInput input = inputs.next();
      pacer.awaitNext();
      if (input instanceof FrameInput.Image image) {
        sink.send(
            sourceId,
            FaceFrame.newBuilder()
                .setFrameId(UUID.randomUUID().toString())
                .setSourceId(sourceId)
                .setWidth(image.width())
                .setHeight(image.height())
                .setPixels(ByteBuffer.wrap(image.pixels()))
                .setCaptureTimeMs(Instant.now())
                .setLabel(image.label())
                .build());
      } else if (input instanceof FrameInput.Unreadable unreadable) {
        deadLetters.publish(
            sourceId,
            DeadLetters.fromInput(
                STAGE, unreadable.reason(), unreadable.location(), unreadable.rawInput()));
        sink.countRejected();
      }
      progress.accept(++read);
    }
    deadLetters.flush();
    return sink.finish();
  }

  @Override
  public void close() {
    producer.close();
    deadLetters.close();
  }
}
