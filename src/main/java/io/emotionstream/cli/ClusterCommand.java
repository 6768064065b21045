package io.emotionstream.cli;

import io.emotionstream.kafka.LocalCluster;
import io.emotionstream.kafka.Topics;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description =
        "Run a single-node Kafka broker (KRaft) and a schema registry in this process, with the "
            + "product's topics and their schemas, until Ctrl-C.")
public final class ClusterCommand implements Callable<Integer> {

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "data/kafka",
      description = "Where the broker keeps its data, across restarts (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--temporary",
      description = "Keep the data in a temporary directory, deleted at exit.")
  boolean temporary;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Broker port; 0 for any free port (default ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--registry-port",
      defaultValue = "8081",
      description = "Registry port; 0 for any free port (default ${DEFAULT-VALUE}).")
  int registryPort;

  @Option(
      names = "--partitions",
      defaultValue = "3",
      description = "Partitions of the data topics (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--topic-prefix",
      defaultValue = "${env:EMOTION_TOPIC_PREFIX:-" + Topics.DEFAULT_PREFIX + "}",
      description = "Prefix of every topic name (default ${DEFAULT-VALUE}).")
  String topicPrefix;

  @Override
  public Integer call() throws InterruptedException {
    LocalCluster.Settings settings =
        new LocalCluster.Settings(
            temporary ? null : dataDir,
            kafkaPort,
            registryPort,
            partitions,
            new Topics(topicPrefix));
    LocalCluster cluster = LocalCluster.start(settings);
    System.out.println("bootstrap servers: " + cluster.connection().bootstrapServers());
    System.out.println("registry url:      " + cluster.connection().registryUrl());
    System.out.println(
        "topics:            "
            + String.join(
                ", ",
                settings.topics().all(partitions, (short) 1).stream()
                    .map(spec -> spec.name())
                    .toList()));
    System.out.println("schemas:           registered under <topic>-value");
    return UntilStopped.run(cluster);
  }
}
