package io.emotionstream.testing;

import static org.awaitility.Awaitility.await;

import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.Topics;
import io.emotionstream.kafka.registry.SchemaRegistryServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three brokers and a controller in this JVM, configured as a production cluster is (internal
 * topics replicated three times, two in-sync replicas needed for a write), with the product's
 * registry on it; a test stops and starts brokers and the registry under running services. Shared
 * by the tests of one class like {@link SharedCluster}; tests keep apart by taking {@link
 * #freshTopics}. A stopped broker comes back on the same port.
 */
public final class ReplicatedCluster
    implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicatedCluster.class);
  public static final short REPLICATION = 3;
  private static final Duration BROKER_READY = Duration.ofSeconds(60);

  private KafkaClusterTestKit brokers;
  private Admin admin;
  private SchemaRegistryServer registry;
  private int registryPort;
  private boolean registryStopped;
  private final Set<Integer> stoppedBrokers = new HashSet<>();
  private ConnectionSettings connection;
  private TopicSerdes serdes;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setCombined(false)
            .setNumControllerNodes(1)
            .setNumBrokerNodes(REPLICATION)
            .build();
    brokers =
        new KafkaClusterTestKit.Builder(nodes)
            .setConfigProp("default.replication.factor", String.valueOf(REPLICATION))
            .setConfigProp("min.insync.replicas", "2")
            .setConfigProp("offsets.topic.num.partitions", "5")
            .setConfigProp("transaction.state.log.num.partitions", "5")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            // A stopped broker hands nothing over, as a crashed one cannot: its partitions stay
            // without a
            // leader until the controller misses its heartbeats for the session timeout.
            .setConfigProp("controlled.shutdown.enable", "false")
            .setConfigProp("broker.session.timeout.ms", "6000")
            .setConfigProp("broker.heartbeat.interval.ms", "1000")
            .build();
    brokers.format();
    brokers.startup();
    brokers.waitForReadyBrokers();
    admin = brokers.admin();
    registry = SchemaRegistryServer.start(registrySettings(0));
    registryPort = registry.port();
    connection =
        new ConnectionSettings(
            brokers.bootstrapServers(), registry.url(), Map.of(), Topics.standard());
    serdes = TopicSerdes.connect(connection);
  }

  /**
   * Whatever a test stopped and did not start again is started for the next: a failed test leaves
   * no fault behind.
   */
  @Override
  public void afterEach(ExtensionContext context) {
    List.copyOf(stoppedBrokers).forEach(this::startBroker);
    if (registryStopped) {
      startRegistry();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (registry != null) {
        registry.close();
      }
      if (admin != null) {
        admin.close();
      }
    } finally {
      brokers.close();
    }
  }

  /** The product's topics under a new prefix, replicated three times. */
  public ConnectionSettings freshTopics(int partitions) {
    return FreshTopics.on(connection, partitions, REPLICATION);
  }

  /**
   * The test's own serdes: its registry client caches what it has fetched, whatever the registry
   * does later.
   */
  public TopicSerdes serdes() {
    return serdes;
  }

  /** The broker leading {@code partition} of {@code topic} now. */
  public int leaderOf(String topic, int partition) throws ExecutionException, InterruptedException {
    TopicDescription description =
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    return description.partitions().get(partition).leader().id();
  }

  /**
   * Stops broker {@code id} without a controlled shutdown and returns once it is down; the
   * partitions it led have no leader until the controller fences it, a session timeout later.
   */
  public void stopBroker(int id) {
    long start = System.nanoTime();
    brokers.brokers().get(id).shutdown();
    stoppedBrokers.add(id);
    LOG.info("broker {} stopped in {} ms", id, (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Starts broker {@code id} again and waits until it has caught up: every partition's replicas are
   * in sync.
   */
  public void startBroker(int id) {
    if (!stoppedBrokers.remove(id)) {
      throw new IllegalStateException("broker " + id + " is running");
    }
    long start = System.nanoTime();
    brokers.brokers().get(id).startup();
    await().atMost(BROKER_READY).until(this::everyReplicaInSync);
    LOG.info(
        "broker {} started and caught up in {} ms", id, (System.nanoTime() - start) / 1_000_000);
  }

  /** Closes the registry: from now on nothing answers on its port. */
  public void stopRegistry() {
    registry.close();
    registryStopped = true;
  }

  /** A new registry on the same port and storage topic, as after a restart of its process. */
  public void startRegistry() {
    registry = SchemaRegistryServer.start(registrySettings(registryPort));
    registryStopped = false;
  }

  private SchemaRegistryServer.Settings registrySettings(int port) {
    return SchemaRegistryServer.Settings.of(brokers.bootstrapServers())
        .withReplicationFactor(REPLICATION)
        .withPort(port);
  }

  private boolean everyReplicaInSync() throws ExecutionException, InterruptedException {
    Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
    var topics = admin.describeTopics(names).allTopicNames().get().values();
    return topics.stream()
        .flatMap(topic -> topic.partitions().stream())
        .allMatch(ReplicatedCluster::inSync);
  }

  private static boolean inSync(TopicPartitionInfo partition) {
    return partition.leader() != null && partition.isr().size() == partition.replicas().size();
  }
}
