package io.emotionstream.cli;

import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.registry.SchemaRegistryServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "registry",
    mixinStandardHelpOptions = true,
    description =
        "Run a schema registry speaking the Confluent Schema Registry API (Avro) until Ctrl-C, its "
            + "schemas kept in a compacted topic of the given cluster. Run one per storage topic: it is that "
            + "topic's only writer.")
public final class RegistryCommand implements Callable<Integer> {

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT,…",
      defaultValue =
          "${env:EMOTION_BOOTSTRAP_SERVERS:-" + ConnectionSettings.DEFAULT_BOOTSTRAP_SERVERS + "}",
      description =
          "Kafka bootstrap servers (env EMOTION_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = "--client-config",
      paramLabel = "FILE",
      converter = InputPath.File.class,
      defaultValue = "${env:EMOTION_CLIENT_CONFIG}",
      description = "Kafka client properties file, for SASL/SSL (env EMOTION_CLIENT_CONFIG).")
  Path clientConfig;

  @Option(
      names = "--port",
      defaultValue = "" + SchemaRegistryServer.Settings.DEFAULT_PORT,
      description = "HTTP port; 0 for any free port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description = "Address to listen on; 0.0.0.0 for every interface (default ${DEFAULT-VALUE}).")
  String bindAddress;

  @Option(
      names = "--topic",
      defaultValue = SchemaRegistryServer.Settings.DEFAULT_TOPIC,
      description =
          "Compacted topic holding the schemas, created when absent (default ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--replication-factor",
      defaultValue = "1",
      description =
          "Replication of that topic when this command creates it (default ${DEFAULT-VALUE}).")
  short replicationFactor;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> clientProperties =
        clientConfig == null ? Map.of() : ConnectionSettings.readClientConfig(clientConfig);
    SchemaRegistryServer.Settings settings =
        SchemaRegistryServer.Settings.of(bootstrapServers, clientProperties)
            .withPort(port)
            .withBindAddress(bindAddress)
            .withTopic(topic)
            .withReplicationFactor(replicationFactor);
    SchemaRegistryServer registry = SchemaRegistryServer.start(settings);
    System.out.println("registry url: " + registry.url() + " (schemas in topic " + topic + ")");
    return UntilStopped.run(registry);
  }
}
