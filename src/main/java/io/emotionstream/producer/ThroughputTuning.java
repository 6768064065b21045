package io.emotionstream.producer;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Producer settings for streams of ~2.4 KB records. Kafka's defaults (16 KB batches, no linger) give
 * about a fifth of the throughput measured with these (docs/BENCHMARKS.md); acks=all with idempotence
 * keeps every acknowledged record durable and unduplicated. A 5 ms linger fills batches under load
 * without holding a lone live frame long.
 */
public final class ThroughputTuning {
  private ThroughputTuning() {}

  public static Map<String, Object> settings() {
    return Map.of(
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
  }
}
