package io.emotionstream.kafka;

import io.emotionstream.avro.DeadLetter;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends refused input to the dead-letter topic and logs why, so nothing refused goes unseen. */
public final class DeadLetterPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPublisher.class);

  private final KafkaProducer<String, DeadLetter> producer;
  private final String topic;

  public DeadLetterPublisher(ConnectionSettings settings, TopicSerdes serdes) {
    this.topic = settings.topics().deadLetters();
    this.producer =
        new KafkaProducer<>(
            settings.clientConfig(
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5)),
            serdes.keys().serializer(),
            serdes.deadLetters().serializer());
  }

  public Future<RecordMetadata> publish(String key, DeadLetter letter) {
    LOG.warn(
        "dead letter from {}{}: {}",
        letter.getStage(),
        letter.getLocation() == null ? "" : " at " + letter.getLocation(),
        letter.getReason());
    return producer.send(new ProducerRecord<>(topic, key, letter));
  }

  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
