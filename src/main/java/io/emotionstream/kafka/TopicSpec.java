package io.emotionstream.kafka;

import java.util.Map;

/** How one topic is created: partitions, replication and its non-default configs. */
public record TopicSpec(String name, int partitions, short replication, Map<String, String> configs) {
  /**
   * The largest record the product writes, a checkpoint: its topic, the producers that send one and
   * the consumers that read one all allow this much (a checkpoint with optimizer state is ~0.8 MB,
   * close to Kafka's 1 MB default).
   */
  public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

  public TopicSpec {
    if (partitions < 1) {
      throw new IllegalArgumentException(name + ": partitions must be at least 1, got " + partitions);
    }
    if (replication < 1) {
      throw new IllegalArgumentException(name + ": replication must be at least 1, got " + replication);
    }
    configs = Map.copyOf(configs);
  }

  public static TopicSpec deleted(String name, int partitions, short replication) {
    return new TopicSpec(name, partitions, replication, Map.of("cleanup.policy", "delete"));
  }

  public static TopicSpec compacted(String name, int partitions, short replication) {
    return new TopicSpec(name, partitions, replication, Map.of(
        "cleanup.policy", "compact",
        "max.message.bytes", String.valueOf(MAX_RECORD_BYTES)));
  }
}
