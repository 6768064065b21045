package io.emotionstream.kafka.registry;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A registry inside the process, for tests that need Avro serdes but no broker: it is the server's
 * own {@link SchemaStore} over a log kept in memory, so ids, versions, compatibility levels and
 * error codes follow exactly the rules {@link SchemaRegistryServer} serves. Nothing survives the
 * instance.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
  private final SchemaStore store = SchemaStore.replayedFrom(new InMemorySchemaLog());

  @Override
  public int register(String subject, Schema schema) {
    return store.register(subject, schema.toString()).id();
  }

  @Override
  public int idOf(String subject, Schema schema) {
    return store.lookup(subject, schema.toString(), false).id();
  }

  @Override
  public Schema schemaById(int id) {
    return new Schema.Parser().parse(store.schemaById(id));
  }

  @Override
  public RegisteredSchema latest(String subject) {
    SchemaStore.Version latest = store.version(subject, "latest", false);
    return new RegisteredSchema(
        latest.subject(),
        latest.version(),
        latest.id(),
        new Schema.Parser().parse(latest.schema()));
  }

  @Override
  public List<Integer> versions(String subject) {
    return store.versions(subject, false);
  }

  @Override
  public CompatibilityLevel compatibility() {
    return store.globalLevel();
  }

  @Override
  public Optional<CompatibilityLevel> compatibility(String subject) {
    return store.subjectLevel(subject);
  }

  @Override
  public void setCompatibility(String subject, CompatibilityLevel level) {
    store.setSubjectLevel(subject, level);
  }

  @Override
  public String location() {
    return "in memory";
  }
}
