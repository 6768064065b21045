package io.emotionstream.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How one topic is created: partitions, replication and its non-default configs. With three
 * replicas or more, a write is acknowledged only once two of them have it ({@code
 * min.insync.replicas=2}), whatever the broker's default: one broker may be down without stopping
 * writes, and no acknowledged record lives on one broker alone.
 */
public record TopicSpec(
    String name, int partitions, short replication, Map<String, String> configs) {
  static final String MIN_IN_SYNC_REPLICAS = "min.insync.replicas";

  /**
   * The largest record the product writes, a checkpoint: its topic, the producers that send one and
   * the consumers that read one all allow this much (a checkpoint with optimizer state is ~0.8 MB,
   * close to Kafka's 1 MB default).
   */
  public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

  public TopicSpec {
    if (partitions < 1) {
      throw new IllegalArgumentException(
          name + ": partitions must be at least 1, got " + partitions);
    }
    if (replication < 1) {
      throw new IllegalArgumentException(
          name + ": replication must be at least 1, got " + replication);
    }
    if (replication >= 3 && !configs.containsKey(MIN_IN_SYNC_REPLICAS)) {
      Map<String, String> durable = new HashMap<>(configs);
      durable.put(MIN_IN_SYNC_REPLICAS, "2");
      configs = durable;
    }
    configs = Map.copyOf(configs);
  }

  public static TopicSpec deleted(String name, int partitions, short replication) {
    return new TopicSpec(name, partitions, replication, Map.of("cleanup.policy", "delete"));
  }

  /**
   * Deleted after {@code retention}, in segments of a tenth of it: retention only ever deletes
   * whole closed segments, and the default segment (1 GB or 7 days) would keep everything far
   * longer. Records may be as large as a checkpoint (a 4K video frame as JPEG is over Kafka's 1 MB
   * default).
   */
  public static TopicSpec shortLived(
      String name, int partitions, short replication, Duration retention) {
    return new TopicSpec(
        name,
        partitions,
        replication,
        Map.of(
            "cleanup.policy", "delete",
            "retention.ms", String.valueOf(retention.toMillis()),
            "segment.ms", String.valueOf(Math.max(1, retention.toMillis() / 10)),
            "max.message.bytes", String.valueOf(MAX_RECORD_BYTES)));
  }

  /**
   * Compacted in segments of at most an hour or 64 MB: compaction never touches the segment being
   * written, and with the default segment (1 GB or 7 days) a reader starting at the beginning would
   * read every checkpoint and serving decision of the week, each up to a megabyte or two.
   */
  public static TopicSpec compacted(String name, int partitions, short replication) {
    return new TopicSpec(
        name,
        partitions,
        replication,
        Map.of(
            "cleanup.policy", "compact",
            "segment.ms", String.valueOf(COMPACTED_SEGMENT.toMillis()),
            "segment.bytes", String.valueOf(64 * 1024 * 1024),
            "max.message.bytes", String.valueOf(MAX_RECORD_BYTES)));
  }

  static final Duration COMPACTED_SEGMENT = Duration.ofHours(1);
}
