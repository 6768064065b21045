package io.emotionstream.kafka.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One fact in the registry's compacted log. The key names what the fact is about (a subject's
 * version, or a compatibility setting), so compaction keeps the latest state of each; the layout
 * follows Confluent's own _schemas records (keytype SCHEMA / CONFIG with JSON values).
 */
sealed interface SchemaLogEntry {
  ObjectMapper JSON = new ObjectMapper();

  byte[] key();

  /** The value bytes, or null for a tombstone. */
  byte[] value();

  /** Version {@code version} of {@code subject} is the schema with global id {@code id}. */
  record SchemaVersion(String subject, int version, int id, String schema, boolean deleted)
      implements SchemaLogEntry {
    @Override
    public byte[] key() {
      ObjectNode key = JSON.createObjectNode();
      key.put("keytype", "SCHEMA").put("subject", subject).put("version", version).put("magic", 1);
      return bytes(key);
    }

    @Override
    public byte[] value() {
      ObjectNode value = JSON.createObjectNode();
      value.put("subject", subject).put("version", version).put("id", id).put("schema", schema);
      value.put("deleted", deleted);
      return bytes(value);
    }

    SchemaVersion asDeleted() {
      return new SchemaVersion(subject, version, id, schema, true);
    }
  }

  /**
   * The compatibility level of {@code subject}, or the global one when subject is null; a null
   * level removes a subject's own setting.
   */
  record CompatibilitySetting(String subject, CompatibilityLevel level) implements SchemaLogEntry {
    @Override
    public byte[] key() {
      ObjectNode key = JSON.createObjectNode();
      key.put("keytype", "CONFIG").put("subject", subject).put("magic", 0);
      return bytes(key);
    }

    @Override
    public byte[] value() {
      if (level == null) {
        return null;
      }
      return bytes(JSON.createObjectNode().put("compatibilityLevel", level.name()));
    }
  }

  /**
   * Decodes one record; null for a key type this registry does not use (other registries write
   * some).
   */
  static SchemaLogEntry decode(byte[] keyBytes, byte[] valueBytes) throws IOException {
    JsonNode key = JSON.readTree(keyBytes);
    String type = key.path("keytype").asText();
    String subject = key.hasNonNull("subject") ? key.get("subject").asText() : null;
    switch (type) {
      case "SCHEMA":
        if (valueBytes == null) {
          return null;
        }
        JsonNode value = JSON.readTree(valueBytes);
        return new SchemaVersion(
            required(value, "subject").asText(),
            required(value, "version").asInt(),
            required(value, "id").asInt(),
            required(value, "schema").asText(),
            value.path("deleted").asBoolean(false));
      case "CONFIG":
        if (valueBytes == null) {
          return new CompatibilitySetting(subject, null);
        }
        String level = required(JSON.readTree(valueBytes), "compatibilityLevel").asText();
        return new CompatibilitySetting(subject, CompatibilityLevel.parse(level));
      default:
        return null;
    }
  }

  private static JsonNode required(JsonNode node, String field) throws IOException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IOException("field '" + field + "' is missing");
    }
    return value;
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
