package io.emotionstream.testing;

import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.registry.InMemorySchemaRegistry;

/**
 * The topics' serdes over a registry in memory, for tests that encode Avro but need no broker
 * (TopologyTestDriver, the serdes themselves). Tests needing a real registry take {@link
 * SharedCluster}.
 */
public final class InMemorySerdes {
  private InMemorySerdes() {}

  /** Serdes over a new, empty registry of their own. */
  public static TopicSerdes fresh() {
    return new TopicSerdes(new InMemorySchemaRegistry());
  }
}
