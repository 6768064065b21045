package io.emotionstream.classifier;

import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.TopicSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running classifier: its Kafka Streams instance, its models and its periodic metrics line. */
public final class ClassifierService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClassifierService.class);

  private final KafkaStreams streams;
  private final ServingModels models;
  private final ClassifierMetrics metrics = new ClassifierMetrics();
  private final ScheduledExecutorService reporter;
  private long framesAtLastReport;
  private long lastReportNanos = System.nanoTime();

  private ClassifierService(ConnectionSettings connection, ClassifierSettings settings, ModelLoader loader) {
    TopicSerdes serdes = TopicSerdes.connect(connection);
    this.models = new ServingModels(loader, serdes.checkpoints().deserializer(), metrics, true);
    this.streams = new KafkaStreams(
        ClassifierTopology.build(settings, connection.topics(), serdes, models, metrics),
        streamsConfig(connection, settings));
    this.reporter = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "classifier-metrics");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts classifying; returns at once, while the instance joins its group. */
  public static ClassifierService start(ConnectionSettings connection, ClassifierSettings settings, ModelLoader loader) {
    ClassifierService service = new ClassifierService(connection, settings, loader);
    service.streams.setUncaughtExceptionHandler(e -> {
      LOG.error("stream thread failed; replacing it", e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    service.streams.start();
    service.reporter.scheduleAtFixedRate(service::logMetrics, 10, 10, TimeUnit.SECONDS);
    return service;
  }

  static Properties streamsConfig(ConnectionSettings connection, ClassifierSettings settings) {
    Map<String, Object> config = new HashMap<>(connection.clientConfig());
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    // Every frame gives exactly one event or one dead letter, also across crashes and rebalances.
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
    config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.threads());
    // The thread must wake for the max-delay punctuation even when no frame arrives, and soon after a
    // batch's inference ends, to forward its events.
    config.put(StreamsConfig.POLL_MS_CONFIG, FrameBatcher.tickMillis(settings));
    config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 1024 * 1024);
    // A crashed instance's partitions move to the others after this long without heartbeats (45 s by default).
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 2_000);
    config.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 1);
    // Checkpoint records carry the weights: allow them through the global consumer.
    config.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
        TopicSpec.MAX_RECORD_BYTES);
    if (settings.stateDirectory() != null) {
      config.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDirectory().toString());
    }
    Properties properties = new Properties();
    properties.putAll(config);
    return properties;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public ClassifierMetrics metrics() {
    return metrics;
  }

  private void logMetrics() {
    long now = System.nanoTime();
    long frames = metrics.frames();
    double perSecond = (frames - framesAtLastReport) / ((now - lastReportNanos) / 1e9);
    framesAtLastReport = frames;
    lastReportNanos = now;
    LOG.info("{} frames/s; {} frames in {} batches (mean batch {}), model version {}, latency p50 {} ms p99 {} ms, "
            + "{} dead letters", String.format("%.1f", perSecond), frames, metrics.batches(),
        String.format("%.1f", metrics.meanBatchSize()), metrics.modelVersion(), metrics.latencyPercentile(50),
        metrics.latencyPercentile(99), metrics.deadLetters());
  }

  @Override
  public void close() {
    reporter.shutdownNow();
    streams.close(Duration.ofSeconds(30));
    models.close();
  }
}
