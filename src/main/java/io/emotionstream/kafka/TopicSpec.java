package io.emotionstream.kafka;

import java.util.Map;

/** How one topic is created: partitions, replication and its non-default configs. */
public record TopicSpec(String name, int partitions, short replication, Map<String, String> configs) {
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
        // Model weights are ~270 KB; allow a checkpoint record well above the 1 MB default.
        "max.message.bytes", String.valueOf(16 * 1024 * 1024)));
  }
}
