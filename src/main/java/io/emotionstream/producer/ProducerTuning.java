package io.emotionstream.producer;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Producer settings for streams of ~2.4 KB records. Kafka's defaults (16 KB batches) give about a fifth
 * of the throughput measured with these (docs/BENCHMARKS.md); acks=all with idempotence keeps every
 * acknowledged record durable and unduplicated.
 */
public final class ProducerTuning {
  private ProducerTuning() {}

  /** For datasets: a 5 ms linger fills large batches. */
  public static Map<String, Object> bulk() {
    Map<String, Object> settings = common();
    settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return settings;
  }

  /**
   * For live frames, whose latency is the product: a frame leaves at once when no request is in flight;
   * under load, frames that come while one is still batch up anyway.
   */
  public static Map<String, Object> live() {
    Map<String, Object> settings = common();
    settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return settings;
  }

  private static Map<String, Object> common() {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    settings.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    settings.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
    return settings;
  }
}
