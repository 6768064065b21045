package io.emotionstream.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.Topics;
import io.emotionstream.kafka.registry.SchemaRegistryClient;
import io.emotionstream.kafka.registry.SchemaRegistryServer;
import io.emotionstream.testing.IntegrationTest;
import io.emotionstream.testing.SharedCluster;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Serving models with a real registry that goes away and comes back on the same storage topic. */
@IntegrationTest
class ServingModelsRegistryOutageTest {
  @RegisterExtension static final SharedCluster kafka = new SharedCluster();

  private final String topic = Topics.standard().checkpoints();
  private final String statesTopic = Topics.standard().serving();

  @Test
  void aDecisionUnreadableWhileTheRegistryIsAwayIsNotRefusedAndServesOnceTheRegistryIsBack()
      throws Exception {
    byte[] state =
        kafka
            .serdes()
            .servingStates()
            .serializer()
            .serialize(statesTopic, RuleModels.decision(RuleModels.checkpoint(1, 0), null));
    int registryPort;
    try (ServerSocket free = new ServerSocket(0)) {
      registryPort =
          free.getLocalPort(); // nothing listens there until the registry comes back on it
    }
    // A client of its own, which has never fetched the checkpoint's schema.
    TopicSerdes serdes =
        new TopicSerdes(new SchemaRegistryClient("http://127.0.0.1:" + registryPort));
    ClassifierMetrics metrics = new ClassifierMetrics();
    List<DeadLetter> letters = new ArrayList<>();
    try (ServingModels models =
        new ServingModels(
            new RuleModels(),
            serdes.checkpoints().deserializer(),
            serdes.servingStates().deserializer(),
            metrics,
            false)) {
      assertEquals(
          Optional.empty(),
          models.acquire().current(statesTopic, state, topic, null, 0, letters::add));
      assertEquals(List.of(), letters, "the registry's absence is not the record's fault");
      assertEquals(1, metrics.checkpointRetries());
      assertEquals(
          Optional.empty(),
          models.acquire().current(statesTopic, state, topic, null, 50, letters::add));
      assertEquals(1, metrics.checkpointRetries(), "not asked again within the first backoff");

      try (SchemaRegistryServer restarted =
          SchemaRegistryServer.start(
              SchemaRegistryServer.Settings.of(kafka.cluster().kafka().bootstrapServers())
                  .withPort(registryPort))) {
        Optional<ServingModels.Models> served =
            models.acquire().current(statesTopic, state, topic, null, 10_000, letters::add);
        assertEquals(1L, served.orElseThrow().serving().version());
      }
      assertEquals(List.of(), letters);
      assertEquals(1, metrics.checkpointRetries());
    }
  }
}
