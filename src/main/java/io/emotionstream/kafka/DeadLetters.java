package io.emotionstream.kafka;

import io.emotionstream.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds the {@link DeadLetter} for input that a stage refused, keeping the original bytes. */
public final class DeadLetters {
  /**
   * Larger originals are not copied into the letter, which must stay under the broker's default 1
   * MB record limit; their topic, partition and offset still lead to them.
   */
  static final int MAX_PAYLOAD = 512 * 1024;

  private DeadLetters() {}

  /** Input from outside Kafka, such as a CSV line or an image file. */
  public static DeadLetter fromInput(
      String stage, String reason, String location, String rawInput) {
    return DeadLetter.newBuilder()
        .setStage(stage)
        .setReason(reason)
        .setLocation(location)
        .setPayload(
            rawInput == null ? null : ByteBuffer.wrap(rawInput.getBytes(StandardCharsets.UTF_8)))
        .setTimeMs(Instant.now())
        .build();
  }

  /** A record read from Kafka, identified by topic, partition and offset. */
  public static DeadLetter fromRecord(
      String stage,
      String reason,
      Throwable cause,
      String topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value) {
    boolean keep = value == null || value.length <= MAX_PAYLOAD;
    return DeadLetter.newBuilder()
        .setStage(stage)
        .setReason(keep ? reason : reason + " (payload of " + value.length + " bytes not copied)")
        .setErrorClass(cause == null ? null : cause.getClass().getName())
        .setSourceTopic(topic)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setPayload(value == null || !keep ? null : ByteBuffer.wrap(value))
        .setTimeMs(Instant.now())
        .build();
  }
}
