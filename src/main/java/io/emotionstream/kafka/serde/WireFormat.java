package io.emotionstream.kafka.serde;

import java.nio.ByteBuffer;

/**
 * Confluent's wire format: magic byte 0, the writer schema's registry id as a 4-byte big-endian
 * int, then the Avro binary encoding. Any Confluent-compatible client in any language reads and
 * writes it.
 */
final class WireFormat {
  static final byte MAGIC_BYTE = 0;
  static final int HEADER_SIZE = 5;

  private WireFormat() {}

  static void writeHeader(byte[] target, int schemaId) {
    target[0] = MAGIC_BYTE;
    ByteBuffer.wrap(target, 1, 4).putInt(schemaId);
  }

  /** The schema id in the header of {@code payload}, after checking the header is there. */
  static int schemaId(String topic, byte[] payload) {
    if (payload.length == 0) {
      throw new AvroSerdeException(
          topic,
          AvroSerdeException.Problem.NOT_WIRE_FORMAT,
          "payload is empty; Confluent Avro wire format needs at least a 5-byte header",
          null);
    }
    if (payload[0] != MAGIC_BYTE) {
      throw new AvroSerdeException(
          topic,
          AvroSerdeException.Problem.NOT_WIRE_FORMAT,
          String.format(
              "payload does not start with magic byte 0 (got 0x%02x); not Confluent Avro wire format",
              payload[0] & 0xff),
          null);
    }
    if (payload.length < HEADER_SIZE) {
      throw new AvroSerdeException(
          topic,
          AvroSerdeException.Problem.NOT_WIRE_FORMAT,
          "payload of "
              + payload.length
              + " bytes is shorter than the 5-byte header (magic byte + schema id) of Confluent Avro wire format",
          null);
    }
    return ByteBuffer.wrap(payload, 1, 4).getInt();
  }
}
