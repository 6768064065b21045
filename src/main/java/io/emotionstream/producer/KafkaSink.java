package io.emotionstream.producer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends records asynchronously and counts what the broker acknowledged, so a long stream never
 * waits on one record yet the summary is exact once {@link #finish} has flushed.
 */
public final class KafkaSink<V> {
  private final Producer<String, V> producer;
  private final String topic;
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  private final long started = System.nanoTime();
  private long rejected;

  public KafkaSink(Producer<String, V> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  public void send(String key, V value) {
    producer.send(
        new ProducerRecord<>(topic, key, value),
        (metadata, error) -> {
          if (error == null) {
            acknowledged.incrementAndGet();
          } else {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, error.getMessage());
          }
        });
  }

  void countRejected() {
    rejected++;
  }

  long acknowledged() {
    return acknowledged.get();
  }

  public ProduceSummary finish() {
    producer.flush();
    return new ProduceSummary(
        acknowledged.get(),
        rejected,
        failed.get(),
        Duration.ofNanos(System.nanoTime() - started),
        firstFailure.get());
  }
}
