package io.emotionstream.testing;

import io.emotionstream.kafka.LocalCluster;
import io.emotionstream.kafka.TopicSerdes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real broker and registry shared by the tests of one class: started before the first, closed
 * after the last. Register it as {@code @RegisterExtension static final SharedCluster kafka}; tests
 * keep apart by taking {@link FreshTopics} on it.
 */
public final class SharedCluster implements BeforeAllCallback, AfterAllCallback {
  private final LocalCluster.Settings settings;
  private LocalCluster cluster;
  private TopicSerdes serdes;

  public SharedCluster() {
    this(LocalCluster.Settings.temporary());
  }

  public SharedCluster(LocalCluster.Settings settings) {
    this.settings = settings;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = LocalCluster.start(settings);
    serdes = TopicSerdes.connect(cluster.connection());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    cluster.close();
  }

  public LocalCluster cluster() {
    return cluster;
  }

  public TopicSerdes serdes() {
    return serdes;
  }
}
