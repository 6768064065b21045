package io.emotionstream.testing;

import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.LocalCluster;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.kafka.Topics;
import java.util.concurrent.atomic.AtomicInteger;

/** A new set of the product's topics on a shared cluster, so tests sharing a broker never see each other's records. */
public final class FreshTopics {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private FreshTopics() {}

  public static ConnectionSettings on(LocalCluster cluster, int partitions) {
    Topics topics = new Topics("t" + COUNTER.incrementAndGet() + ".emotion.");
    ConnectionSettings settings = cluster.connection().withTopics(topics);
    new TopicCreator(settings.clientConfig()).createMissing(topics.all(partitions, (short) 1));
    return settings;
  }

  public static ConnectionSettings on(LocalCluster cluster) {
    return on(cluster, 1);
  }
}
