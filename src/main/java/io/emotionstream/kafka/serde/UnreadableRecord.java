package io.emotionstream.kafka.serde;

import io.emotionstream.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.RecordDeserializationException.DeserializationExceptionOrigin;

/**
 * A record a consumer could not deserialize, taken from the {@link RecordDeserializationException}
 * its poll threw: where it is, why it failed in words, and its raw bytes, so a service can
 * dead-letter it and seek to {@link #nextOffset()} instead of failing on it forever.
 *
 * @param recordAtFault true when the bytes themselves are bad; false when the cause lies elsewhere
 *     (the registry down, say) and skipping would lose a good record
 */
public record UnreadableRecord(
    TopicPartition topicPartition,
    long offset,
    boolean inKey,
    String reason,
    String errorClass,
    boolean recordAtFault,
    byte[] key,
    byte[] value) {

  public static UnreadableRecord from(RecordDeserializationException e) {
    AvroSerdeException serdeFailure = findSerdeFailure(e);
    Throwable cause = serdeFailure != null ? serdeFailure : e.getCause() == null ? e : e.getCause();
    String reason = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
    boolean recordAtFault = serdeFailure == null || serdeFailure.problem().isRecordAtFault();
    return new UnreadableRecord(
        e.topicPartition(),
        e.offset(),
        e.origin() == DeserializationExceptionOrigin.KEY,
        reason,
        cause.getClass().getName(),
        recordAtFault,
        bytes(e.keyBuffer()),
        bytes(e.valueBuffer()));
  }

  /** One line naming topic, partition, offset and cause, such as for a log or a dead letter. */
  public static String describe(RecordDeserializationException e) {
    return from(e).describe();
  }

  public String topic() {
    return topicPartition.topic();
  }

  public int partition() {
    return topicPartition.partition();
  }

  /** Where consumption resumes past this record. */
  public long nextOffset() {
    return offset + 1;
  }

  public String describe() {
    return "record at "
        + topicPartition.topic()
        + " partition "
        + topicPartition.partition()
        + " offset "
        + offset
        + " has an unreadable "
        + (inKey ? "key" : "value")
        + ": "
        + reason;
  }

  /** The dead letter for this record: where it was, why it failed, and its bytes unchanged. */
  public DeadLetter toDeadLetter(String stage, Instant now) {
    return DeadLetter.newBuilder()
        .setStage(stage)
        .setReason(describe())
        .setErrorClass(errorClass)
        .setSourceTopic(topic())
        .setSourcePartition(partition())
        .setSourceOffset(offset)
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setPayload(value == null ? null : ByteBuffer.wrap(value))
        .setTimeMs(now)
        .build();
  }

  private static AvroSerdeException findSerdeFailure(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof AvroSerdeException found) {
        return found;
      }
    }
    return null;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
