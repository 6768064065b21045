package io.emotionstream.control;

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

/**
 * Writes control commands for one model to the control topic, keyed by the model name, and waits
 * until the broker has them. The key keeps one model's commands on one partition, in the order they
 * were sent.
 */
public final class CommandSender implements AutoCloseable {
  /**
   * How long a send waits for the broker, metadata included, before saying that it did not take the
   * command.
   */
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

  private final KafkaProducer<String, ControlCommand> producer;
  private final String topic;
  private final String modelName;

  public CommandSender(ConnectionSettings connection, TopicSerdes serdes, String modelName) {
    this.producer =
        new KafkaProducer<>(
            connection.clientConfig(
                Map.of(
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG,
                    SEND_TIMEOUT.toMillis())),
            serdes.keys().serializer(),
            serdes.commands().serializer());
    this.topic = connection.topics().control();
    this.modelName = modelName;
  }

  /** Sends one command with a producer of its own, for a process that sends one now and then. */
  public static ControlCommand sendOnce(
      ConnectionSettings connection, TopicSerdes serdes, String modelName, ControlCommand command) {
    try (CommandSender sender = new CommandSender(connection, serdes, modelName)) {
      sender.send(command);
      return command;
    }
  }

  /**
   * @return where the broker wrote the command
   */
  public RecordMetadata send(ControlCommand command) {
    try {
      return producer
          .send(new ProducerRecord<>(topic, modelName, command))
          .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not send the command to " + topic + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the broker did not take the command on " + topic + " within " + SEND_TIMEOUT, e);
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
