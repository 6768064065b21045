package io.emotionstream.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates topics that do not exist yet and leaves existing ones alone, so running it twice is
 * harmless.
 */
public final class TopicCreator {
  private final Map<String, Object> adminConfig;

  public TopicCreator(Map<String, Object> adminConfig) {
    this.adminConfig = Map.copyOf(adminConfig);
  }

  /** Returns the names of the topics this call created. */
  public List<String> createMissing(Collection<TopicSpec> specs) {
    try (Admin admin = Admin.create(adminConfig)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (TopicSpec spec : specs) {
        if (!existing.contains(spec.name())) {
          missing.add(
              new NewTopic(spec.name(), spec.partitions(), spec.replication())
                  .configs(spec.configs()));
        }
      }
      List<String> created = new ArrayList<>();
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get();
          created.add(entry.getKey());
        } catch (ExecutionException e) {
          // Another client may have created it between our listing and our request.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new KafkaSetupException(
                "cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(),
                e.getCause());
          }
        }
      }
      return created;
    } catch (ExecutionException e) {
      throw new KafkaSetupException(
          "cannot list topics on "
              + adminConfig.get("bootstrap.servers")
              + ": "
              + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaSetupException("interrupted while creating topics", e);
    }
  }
}
