package io.emotionstream.kafka.registry;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The Confluent Schema Registry operations the serdes and topic setup rely on. Refusals and
 * failures are {@link SchemaRegistryException}s carrying Confluent's error codes, whichever
 * implementation answers: {@link SchemaRegistryClient} over HTTP, or {@link InMemorySchemaRegistry}
 * inside the process.
 */
public interface SchemaRegistry {
  /**
   * Registers {@code schema} under {@code subject} (or finds it registered) and returns its global
   * id. Throws with error code 409 when the subject's compatibility refuses it.
   */
  int register(String subject, Schema schema);

  /**
   * The id of {@code schema} if it is registered under {@code subject}, without registering it.
   * Throws with error code 40401 (no such subject) or 40403 (not registered there).
   */
  int idOf(String subject, Schema schema);

  /**
   * The schema with global id {@code id}; throws with error code 40403 when the registry has none.
   */
  Schema schemaById(int id);

  /** The latest live version of {@code subject}. */
  RegisteredSchema latest(String subject);

  /** The live version numbers of {@code subject}, oldest first. */
  List<Integer> versions(String subject);

  /** The registry-wide compatibility level. */
  CompatibilityLevel compatibility();

  /** The subject's own compatibility level; empty when it follows the registry-wide one. */
  Optional<CompatibilityLevel> compatibility(String subject);

  void setCompatibility(String subject, CompatibilityLevel level);

  /** Where the registry is, for messages: its URL, or that it lives in memory. */
  String location();
}
