package io.emotionstream.testing;

import static org.awaitility.Awaitility.await;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Everything committed to the events and dead-letter topics, read as it arrives. */
public final class EventLog implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final TopicSerdes serdes;
  private final String eventsTopic;
  private final List<EmotionEvent> events = new ArrayList<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();

  public EventLog(ConnectionSettings connection, TopicSerdes serdes) {
    this.serdes = serdes;
    eventsTopic = connection.topics().events();
    consumer =
        new KafkaConsumer<>(
            connection.clientConfig(
                Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG, "event-log-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
            serdes.keys().deserializer(),
            new ByteArrayDeserializer());
    consumer.subscribe(Set.of(eventsTopic, connection.topics().deadLetters()));
  }

  public void awaitCount(int count) {
    awaitOutcomes(count, letter -> false);
  }

  /**
   * Waits until the events and the dead letters that {@code counted} picks are {@code count}
   * together.
   */
  public void awaitOutcomes(int count, Predicate<DeadLetter> counted) {
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> {
              poll();
              return events.size() + deadLetters.stream().filter(counted).count() >= count;
            });
  }

  public DeadLetter awaitDeadLetter(Predicate<DeadLetter> wanted) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              poll();
              return deadLetters.stream().anyMatch(wanted);
            });
    return deadLetters.stream().filter(wanted).findFirst().orElseThrow();
  }

  public void drainFor(Duration duration) {
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      poll();
    }
  }

  public List<EmotionEvent> all() {
    return events;
  }

  public List<DeadLetter> deadLetters() {
    return deadLetters;
  }

  private void poll() {
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
      if (record.topic().equals(eventsTopic)) {
        events.add(serdes.events().deserializer().deserialize(record.topic(), record.value()));
      } else {
        deadLetters.add(
            serdes.deadLetters().deserializer().deserialize(record.topic(), record.value()));
      }
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
