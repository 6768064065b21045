package io.emotionstream.kafka.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A value that could not be written or read as Confluent-wire-format Avro. As a {@link
 * SerializationException} it reaches Kafka's consumer (which wraps it, with partition and offset,
 * in a RecordDeserializationException) and Kafka Streams' DeserializationExceptionHandler. The
 * message names the topic and the cause in words; {@link #problem()} tells a poison record from an
 * outage.
 */
public final class AvroSerdeException extends SerializationException {
  /** What went wrong. */
  public enum Problem {
    /** Too short or not starting with magic byte 0: not Confluent wire format at all. */
    NOT_WIRE_FORMAT(true),
    /** The schema id in the header is unknown to the registry. */
    UNKNOWN_SCHEMA_ID(true),
    /** The writer's schema cannot be read as the expected record type. */
    INCOMPATIBLE_SCHEMA(true),
    /** The Avro body is truncated or corrupt. */
    CORRUPT_BODY(true),
    /** The record could not be encoded (a required field is null, say). */
    UNWRITABLE_RECORD(true),
    /** The registry refused the writer's schema (incompatible, invalid) or does not know it. */
    SCHEMA_REFUSED(false),
    /**
     * The registry could not be asked: down, failing, or refusing this client (authentication). The
     * same record may well succeed later, so it must not be dead-lettered for this.
     */
    REGISTRY_ERROR(false);

    private final boolean recordAtFault;

    Problem(boolean recordAtFault) {
      this.recordAtFault = recordAtFault;
    }

    /**
     * True when the bytes or the record themselves are bad, so retrying cannot help (dead-letter
     * it).
     */
    public boolean isRecordAtFault() {
      return recordAtFault;
    }
  }

  private final String topic;
  private final Problem problem;

  AvroSerdeException(String topic, Problem problem, String detail, Throwable cause) {
    super(topic + ": " + detail, cause);
    this.topic = topic;
    this.problem = problem;
  }

  public String topic() {
    return topic;
  }

  public Problem problem() {
    return problem;
  }
}
