package io.emotionstream.cli;

import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.SchemaRegistration;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.kafka.TopicSerdes;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "topics",
    description = "Manage the product's topics.",
    subcommands = TopicsCommand.Create.class,
    mixinStandardHelpOptions = true)
public final class TopicsCommand {

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Create every topic of the product on any cluster and register each topic's value schema "
              + "under <topic>-value; existing topics and schemas are left as they are.")
  static final class Create implements Callable<Integer> {
    @Mixin ConnectionOptions connection;

    @Option(
        names = "--partitions",
        defaultValue = "3",
        description =
            "Partitions of the data topics (frames, events, …; default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
        names = "--replication",
        defaultValue = "1",
        description =
            "Replication factor of every topic (default ${DEFAULT-VALUE}; use 3 on a real cluster, where "
                + "a write then waits for 2 in-sync replicas).")
    short replication;

    @Override
    public Integer call() {
      ConnectionSettings settings = connection.settings();
      List<String> created =
          new TopicCreator(settings.clientConfig())
              .createMissing(settings.topics().all(partitions, replication));
      settings
          .topics()
          .all(partitions, replication)
          .forEach(
              spec ->
                  System.out.printf(
                      "%-34s %s%n",
                      spec.name(), created.contains(spec.name()) ? "created" : "exists"));
      new SchemaRegistration(TopicSerdes.connect(settings).registry())
          .registerAll(settings.topics())
          .forEach(
              subject ->
                  System.out.printf(
                      "%-34s %s (schema id %d)%n",
                      subject.name(),
                      subject.added() ? "registered" : "registered already",
                      subject.schemaId()));
      return 0;
    }
  }
}
