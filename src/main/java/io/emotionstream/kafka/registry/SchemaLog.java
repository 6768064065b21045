package io.emotionstream.kafka.registry;

import java.util.function.Consumer;

/**
 * Where {@link SchemaStore} keeps its facts, in the order they happened: the server's is a Kafka
 * topic ({@link KafkaSchemaLog}), a test's can be a list ({@link InMemorySchemaLog}). Replaying it
 * rebuilds the store's whole state.
 */
interface SchemaLog {
  /** Feeds every entry, oldest first, to {@code apply}; returns how many. */
  int replay(Consumer<SchemaLogEntry> apply);

  /**
   * Writes {@code entry} durably before returning. Returns false when another writer has appended
   * since this instance's previous write, so a store that applied only its own writes is
   * incomplete.
   */
  boolean append(SchemaLogEntry entry);
}
