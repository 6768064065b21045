package io.emotionstream.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker and controller) running inside this JVM: the
 * single-machine default, and the broker every integration test talks to.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int NODE_ID = 1;

  /**
   * Where the broker keeps its data and which ports it listens on.
   *
   * @param dataDirectory kept across restarts; null for a temporary directory deleted on close
   * @param host the host name clients use to reach the broker
   * @param brokerPort 0 picks a free port
   * @param controllerPort 0 picks a free port
   */
  public record Settings(Path dataDirectory, String host, int brokerPort, int controllerPort) {
    public static Settings temporary() {
      return new Settings(null, "localhost", 0, 0);
    }

    public static Settings persistent(Path dataDirectory, int brokerPort) {
      return new Settings(dataDirectory, "localhost", brokerPort, 0);
    }
  }

  private final KafkaRaftServer server;
  private final Path dataDirectory;
  private final boolean temporary;
  private final String bootstrapServers;
  private boolean closed;

  private EmbeddedKafka(
      KafkaRaftServer server, Path dataDirectory, boolean temporary, String bootstrapServers) {
    this.server = server;
    this.dataDirectory = dataDirectory;
    this.temporary = temporary;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Formats the data directory if it is new, starts the node and waits until it accepts clients.
   */
  public static EmbeddedKafka start(Settings settings) {
    boolean temporary = settings.dataDirectory() == null;
    Path directory = temporary ? createTemporaryDirectory() : settings.dataDirectory();
    int brokerPort = settings.brokerPort() == 0 ? freePort() : settings.brokerPort();
    int controllerPort = settings.controllerPort() == 0 ? freePort() : settings.controllerPort();
    String logDir = directory.toAbsolutePath().toString();
    Properties properties = brokerProperties(settings.host(), brokerPort, controllerPort, logDir);
    KafkaConfig config = new KafkaConfig(properties, false);
    if (!Files.exists(directory.resolve("meta.properties"))) {
      format(logDir);
    }

    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    String bootstrap = settings.host() + ":" + brokerPort;
    EmbeddedKafka kafka = new EmbeddedKafka(server, directory, temporary, bootstrap);
    try {
      server.startup();
      kafka.awaitBrokerRegistered(Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    LOG.info("Kafka broker ready at {} (data in {})", bootstrap, directory);
    return kafka;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /** Stops the node; its threads are not daemons, so a JVM that skips this never exits. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      if (temporary) {
        deleteRecursively(dataDirectory);
      }
    }
  }

  private static Properties brokerProperties(
      String host, int brokerPort, int controllerPort, String logDir) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir);
    // One node cannot hold three replicas of the internal topics: without these, consumer groups,
    // transactions (exactly-once Streams) and share groups wait forever for replicas.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // The default 128 MB cleaner buffer is wasted on a laptop's compacted topics.
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
    // After a hard kill the restarted node waits out its own old session; keep that short.
    p.put("broker.session.timeout.ms", "6000");
    p.put("broker.heartbeat.interval.ms", "1000");
    return p;
  }

  private static void format(String logDir) {
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(logDir))
          .setMetadataLogDirectory(logDir)
          .setControllerListenerName("CONTROLLER")
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setReleaseVersion(MetadataVersion.latestProduction())
          .run();
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
    }
  }

  private void awaitBrokerRegistered(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    try (Admin admin = Admin.create(config)) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "Kafka broker at " + bootstrapServers + " did not become ready", e);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Kafka broker at " + bootstrapServers + " did not become ready");
        }
        Thread.onSpinWait();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka to start", e);
    }
  }

  private static Path createTemporaryDirectory() {
    try {
      return Files.createTempDirectory("emotion-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", directory, e.getMessage());
    }
  }
}
