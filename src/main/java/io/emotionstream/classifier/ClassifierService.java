package io.emotionstream.classifier;

import io.emotionstream.kafka.ClientConfig;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.TopicSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running classifier: its Kafka Streams instance, its models and its periodic metrics line. */
public final class ClassifierService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClassifierService.class);

  private final KafkaStreams streams;
  private final ServingModels models;
  private final ClassifierMetrics metrics = new ClassifierMetrics();
  private final ScheduledExecutorService reporter;
  private final AtomicReference<Throwable> lastFailure = new AtomicReference<>();
  private final CompletableFuture<Throwable> terminated = new CompletableFuture<>();
  private long framesAtLastReport;
  private long lastReportNanos = System.nanoTime();

  private ClassifierService(
      ConnectionSettings connection, ClassifierSettings settings, ModelLoader loader) {
    TopicSerdes serdes = TopicSerdes.connect(connection);
    this.models =
        new ServingModels(
            loader,
            serdes.checkpoints().deserializer(),
            serdes.servingStates().deserializer(),
            metrics,
            true);
    this.streams =
        new KafkaStreams(
            ClassifierTopology.build(settings, connection.topics(), serdes, models, metrics),
            properties(streamsConfig(connection, settings).values()));
    this.reporter =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "classifier-metrics");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts classifying; returns at once, while the instance joins its group. */
  public static ClassifierService start(
      ConnectionSettings connection, ClassifierSettings settings, ModelLoader loader) {
    ClassifierService service = new ClassifierService(connection, settings, loader);
    service.streams.setUncaughtExceptionHandler(service::onThreadFailure);
    service.streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.ERROR) {
            Throwable cause = service.lastFailure.get();
            LOG.error(
                "the Kafka Streams client has stopped for good{}; the classifier stops so that it can be restarted",
                cause == null ? "" : ": " + cause);
            service.terminated.complete(
                cause == null
                    ? new IllegalStateException("Kafka Streams client in state ERROR")
                    : cause);
          }
        });
    service.streams.start();
    long interval = ClassifierMetrics.LATENCY_WINDOW.toMillis();
    service.reporter.scheduleAtFixedRate(
        service::logMetrics, interval, interval, TimeUnit.MILLISECONDS);
    return service;
  }

  /**
   * A stream thread that failed on an exception is replaced: the next one resumes from the last
   * commit, and exactly-once holds (under at-least-once, the events since that commit come again).
   * An {@link Error} (a native library that cannot load, memory exhausted) would fail every
   * replacement the same way, so the client stops instead; the global checkpoints thread is never
   * replaced, and its failure stops the client too.
   */
  private StreamThreadExceptionResponse onThreadFailure(Throwable failure) {
    lastFailure.set(failure);
    if (isError(failure)) {
      LOG.error(
          "a stream thread failed on an error that a new thread would meet again; stopping",
          failure);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    LOG.error("stream thread failed; replacing it", failure);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  private static boolean isError(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof Error) {
        return true;
      }
    }
    return false;
  }

  /**
   * Blocks until the service stops: returns null when it was closed, or why it stopped by itself
   * (its Kafka Streams client reached ERROR and classifies nothing any more).
   */
  public Throwable awaitTermination() throws InterruptedException {
    try {
      return terminated.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The Kafka Streams configuration: the user's client config file wins for tuning, while the
   * application id, the processing guarantee and the state directory are ours (see {@link
   * ClientConfig}).
   */
  static ClientConfig streamsConfig(ConnectionSettings connection, ClassifierSettings settings) {
    ClientConfig config =
        ClientConfig.of(connection)
            .require(
                StreamsConfig.APPLICATION_ID_CONFIG,
                settings.applicationId(),
                "--application-id names the group whose instances share the frames")
            .require(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                switch (settings.processingGuarantee()) {
                  // Every frame gives exactly one event or one dead letter, also across crashes and
                  // rebalances.
                  case EXACTLY_ONCE -> StreamsConfig.EXACTLY_ONCE_V2;
                  // Events are readable once written, not at the next commit; after a crash, the
                  // frames since the
                  // last commit are classified again, their events keyed and identified as the
                  // first time.
                  case AT_LEAST_ONCE -> StreamsConfig.AT_LEAST_ONCE;
                },
                "--processing-guarantee chooses it, and what a crash may repeat depends on it")
            // Options given on the command line are more specific than a shared client file.
            .require(
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                settings.commitInterval().toMillis(),
                "--commit-interval-ms (or the guarantee's default) sets it")
            .require(
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.threads(), "--threads sets it")
            // The thread must wake for the max-delay punctuation even when no frame arrives, and
            // soon after a
            // batch's inference ends, to forward its events.
            .orDefault(StreamsConfig.POLL_MS_CONFIG, FrameBatcher.tickMillis(settings))
            .orDefault(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 1024 * 1024)
            // A crashed instance's partitions move to the others after this long without heartbeats
            // (45 s by default).
            .orDefault(
                StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000)
            .orDefault(
                StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 2_000)
            .orDefault(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 1)
            // A serving decision carries the served checkpoint and the one before it.
            .orDefault(
                StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                TopicSpec.MAX_RECORD_BYTES)
            // Checkpoint records carry the weights: allow them through the global consumer.
            .orDefault(
                StreamsConfig.globalConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                TopicSpec.MAX_RECORD_BYTES);
    if (settings.stateDirectory() != null) {
      config.require(
          StreamsConfig.STATE_DIR_CONFIG,
          settings.stateDirectory().toString(),
          "each instance keeps its state in the directory it has claimed under --state-dir");
    }
    return config;
  }

  private static Properties properties(Map<String, Object> config) {
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
    LOG.info(
        "{} frames/s; {} frames in {} batches (mean batch {}), model version {}, latency p50 {} ms p99 {} ms "
            + "(last {} s), {} dead letters",
        String.format("%.1f", perSecond),
        frames,
        metrics.batches(),
        String.format("%.1f", metrics.meanBatchSize()),
        metrics.modelVersion(),
        metrics.latencyPercentile(50),
        metrics.latencyPercentile(99),
        ClassifierMetrics.LATENCY_WINDOW.toSeconds(),
        metrics.deadLetters());
  }

  @Override
  public void close() {
    reporter.shutdownNow();
    streams.close(Duration.ofSeconds(30));
    models.close();
    terminated.complete(null);
  }
}
