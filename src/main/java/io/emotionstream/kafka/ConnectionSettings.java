package io.emotionstream.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How every service reaches the cluster: bootstrap servers, the schema registry, standard Kafka
 * client properties (SASL, SSL, …) from a file, and the topic prefix. The one place such settings
 * are read.
 */
public record ConnectionSettings(
    String bootstrapServers,
    String registryUrl,
    Map<String, String> clientProperties,
    Topics topics) {

  public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
  public static final String DEFAULT_REGISTRY_URL = "http://localhost:8081";

  public ConnectionSettings {
    clientProperties = Map.copyOf(clientProperties);
  }

  public static ConnectionSettings of(String bootstrapServers, String registryUrl) {
    return new ConnectionSettings(bootstrapServers, registryUrl, Map.of(), Topics.standard());
  }

  /** Reads a standard Kafka client properties file, as given to Kafka's own command-line tools. */
  public static Map<String, String> readClientConfig(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new KafkaSetupException("cannot read client config " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> map = new HashMap<>();
    properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
    return map;
  }

  /** Configs for any Kafka client: the file's properties, then the bootstrap servers. */
  public Map<String, Object> clientConfig() {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return config;
  }

  /**
   * {@link #clientConfig()} plus the given settings where the file does not set them; a client that
   * needs a value of its own whatever the file says builds its configuration with {@link
   * ClientConfig}.
   */
  public Map<String, Object> clientConfig(Map<String, ?> defaults) {
    return ClientConfig.of(this).orDefaults(defaults).values();
  }

  public ConnectionSettings withTopics(Topics newTopics) {
    return new ConnectionSettings(bootstrapServers, registryUrl, clientProperties, newTopics);
  }
}
