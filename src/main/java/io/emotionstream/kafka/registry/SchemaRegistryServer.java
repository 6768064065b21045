package io.emotionstream.kafka.registry;

import com.sun.net.httpserver.HttpServer;
import io.emotionstream.http.HttpServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process schema registry speaking the Confluent Schema Registry REST API (Avro only), for
 * the single-machine default. Its state lives in a compacted Kafka topic, so schema ids survive
 * restarts.
 *
 * <p>Run one instance per storage topic: it is the only writer of that topic (see {@link
 * SchemaStore}). Clusters with a real Confluent, Karapace or Redpanda registry do not need it.
 */
public final class SchemaRegistryServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);

  /**
   * Where the registry listens and keeps its state. {@code clientProperties} go to every Kafka
   * client it makes (security.protocol, sasl.*, ssl.*); a port of 0 picks a free one.
   */
  public record Settings(
      String bootstrapServers,
      Map<String, Object> clientProperties,
      String bindAddress,
      int port,
      String topic,
      short replicationFactor) {
    public static final String DEFAULT_TOPIC = "_schemas";
    public static final int DEFAULT_PORT = 8081;

    public Settings {
      clientProperties = Map.copyOf(clientProperties);
    }

    /** Loopback only, a free port, topic _schemas with replication 1. */
    public static Settings of(String bootstrapServers) {
      return of(bootstrapServers, Map.of());
    }

    public static Settings of(String bootstrapServers, Map<String, ?> clientProperties) {
      return new Settings(
          bootstrapServers, Map.copyOf(clientProperties), "127.0.0.1", 0, DEFAULT_TOPIC, (short) 1);
    }

    public Settings withPort(int newPort) {
      return new Settings(
          bootstrapServers, clientProperties, bindAddress, newPort, topic, replicationFactor);
    }

    public Settings withBindAddress(String newBindAddress) {
      return new Settings(
          bootstrapServers, clientProperties, newBindAddress, port, topic, replicationFactor);
    }

    public Settings withTopic(String newTopic) {
      return new Settings(
          bootstrapServers, clientProperties, bindAddress, port, newTopic, replicationFactor);
    }

    public Settings withReplicationFactor(short newReplicationFactor) {
      return new Settings(
          bootstrapServers, clientProperties, bindAddress, port, topic, newReplicationFactor);
    }
  }

  private final KafkaSchemaLog schemaLog;
  private final HttpServer http;
  private final ExecutorService workers;
  private final String url;
  private boolean closed;

  private SchemaRegistryServer(
      KafkaSchemaLog schemaLog, HttpServer http, ExecutorService workers, String url) {
    this.schemaLog = schemaLog;
    this.http = http;
    this.workers = workers;
    this.url = url;
  }

  /**
   * Creates the storage topic if needed, reads it to its end, then starts serving; returns once
   * requests are answered.
   */
  public static SchemaRegistryServer start(Settings settings) {
    KafkaSchemaLog schemaLog =
        KafkaSchemaLog.open(
            settings.bootstrapServers(),
            settings.clientProperties(),
            settings.topic(),
            settings.replicationFactor());
    ExecutorService workers = null;
    try {
      SchemaStore store = SchemaStore.replayedFrom(schemaLog);
      HttpServer http =
          HttpServers.create(
              new InetSocketAddress(
                  InetAddress.getByName(settings.bindAddress()), settings.port()));
      workers = Executors.newFixedThreadPool(4, daemonThreads());
      http.setExecutor(workers);
      http.createContext("/", new RegistryEndpoints(store));
      http.start();
      String url =
          "http://" + advertisedHost(settings.bindAddress()) + ":" + http.getAddress().getPort();
      LOG.info(
          "schema registry at {} ({} schemas from topic '{}'; single writer: run one registry per topic)",
          url,
          store.schemaCount(),
          settings.topic());
      return new SchemaRegistryServer(schemaLog, http, workers, url);
    } catch (IOException e) {
      cleanUp(schemaLog, workers);
      throw new UncheckedIOException(
          "schema registry cannot listen on "
              + settings.bindAddress()
              + ":"
              + settings.port()
              + ": "
              + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      cleanUp(schemaLog, workers);
      throw e;
    }
  }

  /** The base URL clients use, such as http://127.0.0.1:40123. */
  public String url() {
    return url;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    http.stop(0);
    workers.shutdown();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    schemaLog.close();
  }

  private static void cleanUp(KafkaSchemaLog schemaLog, ExecutorService workers) {
    if (workers != null) {
      workers.shutdownNow();
    }
    schemaLog.close();
  }

  private static String advertisedHost(String bindAddress) throws UnknownHostException {
    InetAddress address = InetAddress.getByName(bindAddress);
    // A wildcard bind is reachable by this machine's name; a specific one by itself
    if (address.isAnyLocalAddress()) {
      return InetAddress.getLocalHost().getHostName();
    }
    String host = address.getHostAddress();
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "schema-registry-http-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
