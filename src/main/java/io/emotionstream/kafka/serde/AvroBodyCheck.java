package io.emotionstream.kafka.serde;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against its writer's schema, without building anything, to prove every
 * length and count fits in the bytes actually there. Avro's decoder allocates whatever a length
 * prefix claims before noticing the bytes are missing, so one corrupt prefix in a record (say "1.5
 * GB of pixels follow") would exhaust the heap instead of being refused; after this check it
 * cannot.
 */
final class AvroBodyCheck {
  /**
   * Arrays of items that take no bytes (nulls, empty records) cannot be bounded by size; cap them.
   */
  private static final long MAX_WEIGHTLESS_ITEMS = 1_000_000;

  private final byte[] data;
  private final int end;
  private int position;
  private final Map<Schema, Integer> minimumSizes = new HashMap<>();

  /** Thrown inside the walk; turned into the problem text. */
  private static final class Refusal extends Exception {
    Refusal(String message) {
      super(message, null, false, false);
    }
  }

  private AvroBodyCheck(byte[] data, int offset, int length) {
    this.data = data;
    this.position = offset;
    this.end = offset + length;
  }

  /**
   * Why {@code length} bytes at {@code offset} are not one record of {@code writer}; null when they
   * are.
   */
  static String problem(Schema writer, byte[] data, int offset, int length) {
    AvroBodyCheck check = new AvroBodyCheck(data, offset, length);
    try {
      check.walk(writer, writer.getName());
      if (check.position != check.end) {
        return (check.end - check.position)
            + " bytes are left over after the record (corrupt, or a wrong schema id)";
      }
      return null;
    } catch (Refusal refusal) {
      return refusal.getMessage();
    }
  }

  private void walk(Schema schema, String path) throws Refusal {
    switch (schema.getType()) {
      case NULL -> {}
      case BOOLEAN -> take(1, path);
      case INT, LONG -> readVarLong(path);
      case FLOAT -> take(4, path);
      case DOUBLE -> take(8, path);
      case FIXED -> take(schema.getFixedSize(), path);
      case BYTES, STRING -> {
        long size = readVarLong(path);
        if (size < 0) {
          throw new Refusal("field " + path + " has a negative length (" + size + ")");
        }
        if (size > remaining()) {
          throw new Refusal(
              "field "
                  + path
                  + " claims "
                  + size
                  + " bytes but only "
                  + remaining()
                  + " remain (truncated or corrupt)");
        }
        position += (int) size;
      }
      case ENUM -> {
        long index = readVarLong(path);
        if (index < 0 || index >= schema.getEnumSymbols().size()) {
          throw new Refusal(
              "field "
                  + path
                  + " has enum index "
                  + index
                  + " but "
                  + schema.getFullName()
                  + " has "
                  + schema.getEnumSymbols().size()
                  + " symbols");
        }
      }
      case UNION -> {
        long index = readVarLong(path);
        if (index < 0 || index >= schema.getTypes().size()) {
          throw new Refusal(
              "field " + path + " has union branch " + index + " of " + schema.getTypes().size());
        }
        walk(schema.getTypes().get((int) index), path);
      }
      case RECORD -> {
        for (Schema.Field field : schema.getFields()) {
          walk(field.schema(), path + "." + field.name());
        }
      }
      case ARRAY -> walkBlocks(schema.getElementType(), null, path);
      case MAP -> walkBlocks(schema.getValueType(), Schema.create(Schema.Type.STRING), path);
    }
  }

  /**
   * Arrays and maps: blocks of items, each block a count (negative: followed by its byte size),
   * then 0.
   */
  private void walkBlocks(Schema items, Schema keys, String path) throws Refusal {
    int itemSize = minimumSize(items) + (keys == null ? 0 : 1);
    int index = 0;
    while (true) {
      long count = readVarLong(path);
      if (count == 0) {
        return;
      }
      if (count < 0) {
        count = -count;
        readVarLong(path); // the block's byte size, which Avro only uses for skipping
      }
      long most = itemSize == 0 ? MAX_WEIGHTLESS_ITEMS : remaining() / itemSize;
      if (count > most) {
        throw new Refusal(
            "field "
                + path
                + " claims "
                + count
                + " items but at most "
                + most
                + " fit in the "
                + remaining()
                + " bytes that remain (truncated or corrupt)");
      }
      for (long i = 0; i < count; i++, index++) {
        String itemPath = path + "[" + index + "]";
        if (keys != null) {
          walk(keys, itemPath + ".key");
        }
        walk(items, itemPath);
      }
    }
  }

  /** The fewest bytes one value of {@code schema} can take. */
  private int minimumSize(Schema schema) {
    Integer known = minimumSizes.get(schema);
    if (known != null) {
      return known;
    }
    minimumSizes.put(schema, 0); // a recursive schema's inner reference counts as empty
    int size =
        switch (schema.getType()) {
          case NULL -> 0;
          case FLOAT -> 4;
          case DOUBLE -> 8;
          case FIXED -> schema.getFixedSize();
          case UNION -> 1 + schema.getTypes().stream().mapToInt(this::minimumSize).min().orElse(0);
          case RECORD -> schema.getFields().stream().mapToInt(f -> minimumSize(f.schema())).sum();
          default ->
              1; // booleans, varints, lengths, enum indexes, the closing count of arrays and maps
        };
    minimumSizes.put(schema, size);
    return size;
  }

  private void take(int bytes, String path) throws Refusal {
    if (bytes > remaining()) {
      throw new Refusal(
          "field "
              + path
              + " needs "
              + bytes
              + " bytes but only "
              + remaining()
              + " remain (truncated)");
    }
    position += bytes;
  }

  /** Avro's zig-zag variable-length long, at most 10 bytes. */
  private long readVarLong(String path) throws Refusal {
    long raw = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (position >= end) {
        throw new Refusal("field " + path + " ends in the middle of a number (truncated)");
      }
      int b = data[position++] & 0xff;
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new Refusal("field " + path + " holds a number longer than 10 bytes (corrupt)");
  }

  private int remaining() {
    return end - position;
  }
}
