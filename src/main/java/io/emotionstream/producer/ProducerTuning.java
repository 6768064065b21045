package io.emotionstream.producer;

import io.emotionstream.kafka.ClientConfig;
import io.emotionstream.kafka.ConnectionSettings;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Producer settings for streams of ~2.4 KB records. Kafka's defaults (16 KB batches) give about a
 * fifth of the throughput measured with these (docs/BENCHMARKS.md); acks=all with idempotence keeps
 * every acknowledged record durable and unduplicated.
 */
public final class ProducerTuning {
  private ProducerTuning() {}

  /** For datasets: a 5 ms linger fills large batches. */
  public static ClientConfig bulk(ConnectionSettings connection) {
    return common(connection).orDefault(ProducerConfig.LINGER_MS_CONFIG, 5);
  }

  /**
   * For live frames, whose latency is the product: a frame leaves at once when no request is in
   * flight; under load, frames that come while one is still batch up anyway.
   */
  public static ClientConfig live(ConnectionSettings connection) {
    return common(connection).orDefault(ProducerConfig.LINGER_MS_CONFIG, 0);
  }

  private static ClientConfig common(ConnectionSettings connection) {
    // A retried send written twice would be classified twice: one event per frame needs one frame
    // per send.
    String why = "each record sent must be written exactly once";
    return ClientConfig.of(connection)
        .require(ProducerConfig.ACKS_CONFIG, "all", why)
        .require(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, why)
        .orDefault(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024)
        .orDefault(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
  }
}
