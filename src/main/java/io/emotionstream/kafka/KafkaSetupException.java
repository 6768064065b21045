package io.emotionstream.kafka;

/** A cluster could not be prepared (topics, connection settings); the message says what to fix. */
public final class KafkaSetupException extends RuntimeException {
  public KafkaSetupException(String message, Throwable cause) {
    super(message, cause);
  }

  public KafkaSetupException(String message) {
    super(message);
  }
}
