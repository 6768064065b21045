package io.emotionstream.monitor;

import io.emotionstream.avro.ControlCommand;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Writes control commands, keyed by model name, and waits until the broker has them. */
final class ControlCommandSender implements AutoCloseable {
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

  private final KafkaProducer<String, ControlCommand> producer;
  private final String topic;

  ControlCommandSender(ConnectionSettings connection) {
    TopicSerdes serdes = TopicSerdes.connect(connection);
    this.producer = new KafkaProducer<>(connection.clientConfig(Map.of(
        ProducerConfig.CLIENT_ID_CONFIG, "emotion-dashboard",
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_BLOCK_MS_CONFIG, SEND_TIMEOUT.toMillis())),
        serdes.keys().serializer(), serdes.commands().serializer());
    this.topic = connection.topics().control();
  }

  RecordMetadata send(String modelName, ControlCommand command) {
    try {
      return producer.send(new ProducerRecord<>(topic, modelName, command))
          .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not send the command to " + topic + ": " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the broker did not take the command on " + topic + " within " + SEND_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending the command", e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
