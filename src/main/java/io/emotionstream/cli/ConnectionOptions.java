package io.emotionstream.cli;

import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.Topics;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The connection options every command that talks to Kafka takes; environment variables give
 * defaults.
 */
public final class ConnectionOptions {

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT,…",
      defaultValue =
          "${env:EMOTION_BOOTSTRAP_SERVERS:-" + ConnectionSettings.DEFAULT_BOOTSTRAP_SERVERS + "}",
      description =
          "Kafka bootstrap servers (env EMOTION_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = "--registry-url",
      paramLabel = "URL",
      defaultValue = "${env:EMOTION_REGISTRY_URL:-" + ConnectionSettings.DEFAULT_REGISTRY_URL + "}",
      description =
          "Schema registry URL, Confluent API (env EMOTION_REGISTRY_URL; default ${DEFAULT-VALUE}).")
  String registryUrl;

  @Option(
      names = "--client-config",
      paramLabel = "FILE",
      converter = InputPath.File.class,
      defaultValue = "${env:EMOTION_CLIENT_CONFIG}",
      description =
          "Kafka client properties file, for SASL/SSL and any other client setting (env EMOTION_CLIENT_CONFIG).")
  Path clientConfig;

  @Option(
      names = "--topic-prefix",
      paramLabel = "PREFIX",
      defaultValue = "${env:EMOTION_TOPIC_PREFIX:-" + Topics.DEFAULT_PREFIX + "}",
      description =
          "Prefix of every topic name (env EMOTION_TOPIC_PREFIX; default ${DEFAULT-VALUE}).")
  String topicPrefix;

  public ConnectionSettings settings() {
    Map<String, String> clientProperties =
        clientConfig == null ? Map.of() : ConnectionSettings.readClientConfig(clientConfig);
    return new ConnectionSettings(
        bootstrapServers, registryUrl, clientProperties, new Topics(topicPrefix));
  }
}
