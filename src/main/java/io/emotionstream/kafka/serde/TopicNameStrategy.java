package io.emotionstream.kafka.serde;

/**
 * Confluent's default subject naming: a topic's values are registered under "{topic}-value" and its
 * keys under "{topic}-key", so every client agrees where a topic's schemas live.
 */
public final class TopicNameStrategy {
  private TopicNameStrategy() {}

  public static String subject(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }

  public static String valueSubject(String topic) {
    return subject(topic, false);
  }
}
