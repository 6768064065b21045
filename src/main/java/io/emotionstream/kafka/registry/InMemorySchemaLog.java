package io.emotionstream.kafka.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link SchemaLog} in a list: nothing survives the process, and this instance is its only
 * writer.
 */
final class InMemorySchemaLog implements SchemaLog {
  private final List<SchemaLogEntry> entries = new ArrayList<>();

  @Override
  public synchronized int replay(Consumer<SchemaLogEntry> apply) {
    entries.forEach(apply);
    return entries.size();
  }

  @Override
  public synchronized boolean append(SchemaLogEntry entry) {
    entries.add(entry);
    return true;
  }
}
