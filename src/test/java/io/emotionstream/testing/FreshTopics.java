package io.emotionstream.testing;

import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.LocalCluster;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.kafka.Topics;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A new set of the product's topics on a shared cluster, so tests sharing a broker never see each
 * other's records.
 */
public final class FreshTopics {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private FreshTopics() {}

  public static ConnectionSettings on(LocalCluster cluster, int partitions) {
    return on(cluster.connection(), partitions, (short) 1);
  }

  /**
   * The product's topics under a new prefix on the cluster {@code connection} reaches, each with
   * {@code replication}.
   */
  public static ConnectionSettings on(
      ConnectionSettings connection, int partitions, short replication) {
    Topics topics = new Topics("t" + COUNTER.incrementAndGet() + ".emotion.");
    ConnectionSettings settings = connection.withTopics(topics);
    new TopicCreator(settings.clientConfig()).createMissing(topics.all(partitions, replication));
    return settings;
  }

  public static ConnectionSettings on(LocalCluster cluster) {
    return on(cluster, 1);
  }
}
