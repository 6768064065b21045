package io.emotionstream.kafka;

import io.emotionstream.kafka.registry.SchemaRegistryClient;
import io.emotionstream.kafka.registry.SchemaRegistryServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The single-machine default: an embedded broker, a schema registry stored on it, and the product's
 * topics with their schemas registered, all in this process. Tests, {@code emotion cluster} and the
 * demo all start it this way.
 */
public final class LocalCluster implements AutoCloseable {

  /**
   * @param dataDirectory kept across restarts; null for a temporary one
   * @param kafkaPort 0 for a free port
   * @param registryPort 0 for a free port
   * @param partitions partitions of the data topics
   */
  public record Settings(
      Path dataDirectory, int kafkaPort, int registryPort, int partitions, Topics topics) {
    public static Settings temporary() {
      return new Settings(null, 0, 0, 1, Topics.standard());
    }

    public Settings withPartitions(int newPartitions) {
      return new Settings(dataDirectory, kafkaPort, registryPort, newPartitions, topics);
    }
  }

  private final EmbeddedKafka kafka;
  private final SchemaRegistryServer registry;
  private final ConnectionSettings connection;
  private final List<String> createdTopics;

  private LocalCluster(
      EmbeddedKafka kafka,
      SchemaRegistryServer registry,
      ConnectionSettings connection,
      List<String> createdTopics) {
    this.kafka = kafka;
    this.registry = registry;
    this.connection = connection;
    this.createdTopics = createdTopics;
  }

  public static LocalCluster start(Settings settings) {
    EmbeddedKafka kafka =
        EmbeddedKafka.start(
            new EmbeddedKafka.Settings(
                settings.dataDirectory(), "localhost", settings.kafkaPort(), 0));
    try {
      SchemaRegistryServer registry =
          SchemaRegistryServer.start(
              SchemaRegistryServer.Settings.of(kafka.bootstrapServers())
                  .withPort(settings.registryPort()));
      try {
        ConnectionSettings connection =
            new ConnectionSettings(
                kafka.bootstrapServers(), registry.url(), Map.of(), settings.topics());
        List<String> created =
            new TopicCreator(connection.clientConfig())
                .createMissing(settings.topics().all(settings.partitions(), (short) 1));
        new SchemaRegistration(new SchemaRegistryClient(registry.url()))
            .registerAll(settings.topics());
        return new LocalCluster(kafka, registry, connection, created);
      } catch (RuntimeException e) {
        registry.close();
        throw e;
      }
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  /** How clients reach this cluster. */
  public ConnectionSettings connection() {
    return connection;
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public SchemaRegistryServer registry() {
    return registry;
  }

  /** Topics this start created; empty when a kept data directory already had them. */
  public List<String> createdTopics() {
    return createdTopics;
  }

  @Override
  public void close() {
    try {
      registry.close();
    } finally {
      kafka.close();
    }
  }
}
