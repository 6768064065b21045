package io.emotionstream.kafka;

import io.emotionstream.kafka.registry.CompatibilityLevel;
import io.emotionstream.kafka.registry.SchemaRegistry;
import io.emotionstream.kafka.registry.SchemaRegistryException;
import io.emotionstream.kafka.serde.TopicNameStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Registers the value schema of every topic under {@code {topic}-value} when the topics are set up,
 * so a client that only looks schemas up (Confluent's serializers with {@code use.latest.version},
 * the usual setup where producers do not own the schema) finds them before any of our own producers
 * has written. Registering again is harmless: the registry answers with the id it already has.
 */
public final class SchemaRegistration {
  /** One subject after registration, and whether this call added its schema. */
  public record Subject(String name, int schemaId, boolean added) {}

  private final SchemaRegistry registry;

  public SchemaRegistration(SchemaRegistry registry) {
    this.registry = registry;
  }

  /**
   * Registers every topic's value schema. Throws {@link KafkaSetupException} naming the subject and
   * the compatibility rule when a subject holds a schema ours may not follow, or when the registry
   * cannot be reached.
   */
  public List<Subject> registerAll(Topics topics) {
    List<Subject> subjects = new ArrayList<>();
    for (Map.Entry<String, Schema> entry : topics.valueSchemas().entrySet()) {
      subjects.add(register(TopicNameStrategy.valueSubject(entry.getKey()), entry.getValue()));
    }
    return subjects;
  }

  private Subject register(String subject, Schema schema) {
    try {
      return new Subject(subject, registry.idOf(subject, schema), false);
    } catch (SchemaRegistryException e) {
      if (e.errorCode() != SchemaRegistryException.SUBJECT_NOT_FOUND
          && e.errorCode() != SchemaRegistryException.SCHEMA_NOT_FOUND) {
        throw failure(subject, e);
      }
    }
    try {
      return new Subject(subject, registry.register(subject, schema), true);
    } catch (SchemaRegistryException e) {
      if (e.errorCode() == SchemaRegistryException.INCOMPATIBLE_SCHEMA) {
        throw new KafkaSetupException(
            "cannot register "
                + schema.getFullName()
                + " under "
                + subject
                + ": the subject's compatibility rule "
                + ruleOf(subject)
                + " refuses it after the version "
                + "registered there ("
                + e.registryMessage()
                + ")",
            e);
      }
      throw failure(subject, e);
    }
  }

  private String ruleOf(String subject) {
    try {
      return registry
          .compatibility(subject)
          .map(CompatibilityLevel::name)
          .orElseGet(() -> registry.compatibility().name() + " (the registry-wide default)");
    } catch (SchemaRegistryException e) {
      return "(unknown: " + e.getMessage() + ")";
    }
  }

  private static KafkaSetupException failure(String subject, SchemaRegistryException e) {
    return new KafkaSetupException(
        "cannot register the schema of " + subject + ": " + e.getMessage(), e);
  }
}
