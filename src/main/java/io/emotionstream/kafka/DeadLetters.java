package io.emotionstream.kafka;

import io.emotionstream.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds the {@link DeadLetter} for input that a stage refused, keeping the original bytes. */
public final class DeadLetters {
  private DeadLetters() {}

  /** Input from outside Kafka, such as a CSV line or an image file. */
  public static DeadLetter fromInput(String stage, String reason, String location, String rawInput) {
    return DeadLetter.newBuilder()
        .setStage(stage)
        .setReason(reason)
        .setLocation(location)
        .setPayload(rawInput == null ? null : ByteBuffer.wrap(rawInput.getBytes(StandardCharsets.UTF_8)))
        .setTimeMs(Instant.now())
        .build();
  }

  /** A record read from Kafka, identified by topic, partition and offset. */
  public static DeadLetter fromRecord(
      String stage, String reason, Throwable cause, String topic, int partition, long offset, byte[] key, byte[] value) {
    return DeadLetter.newBuilder()
        .setStage(stage)
        .setReason(reason)
        .setErrorClass(cause == null ? null : cause.getClass().getName())
        .setSourceTopic(topic)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setPayload(value == null ? null : ByteBuffer.wrap(value))
        .setTimeMs(Instant.now())
        .build();
  }
}
