package io.emotionstream.classifier;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.kafka.DeadLetters;
import io.emotionstream.kafka.Sha256;
import io.emotionstream.kafka.serde.AvroSerdeException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model each stream thread serves: one predictor per thread, swapped for the newest checkpoint
 * between batches. A checkpoint that cannot be served is refused once per process (known by the SHA-256
 * of its record) and the thread goes on with the model it had. One that cannot be read only because the
 * schema registry is away is no fault of the record: it is read again later, less often the longer the
 * registry stays away, while the current model goes on serving.
 *
 * <p>With inference threads, each stream thread's predictor runs on an inference thread of its own,
 * so that a batch is classified while the stream thread goes on reading, storing and committing
 * frames; the predictor is only ever used by that one thread, a batch at a time.
 */
public final class ServingModels implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServingModels.class);
  static final String STAGE = "classifier-checkpoint";

  /** A loaded model and the version it is. */
  record Serving(long version, String sha256, FaceClassifier classifier) {}

  private final ModelLoader loader;
  private final Deserializer<ModelCheckpoint> checkpoints;
  private final Map<Thread, Serving> byThread = new ConcurrentHashMap<>();
  /** The checkpoint record each thread decided on last: while it stays the latest, so does the decision. */
  private final Map<Thread, byte[]> lastDecided = new ConcurrentHashMap<>();
  /** SHA-256 of every checkpoint record refused. */
  private final Set<String> refused = ConcurrentHashMap.newKeySet();
  private final RegistryRetries registryRetries = new RegistryRetries();
  private final ClassifierMetrics metrics;
  private final Map<Thread, ExecutorService> inferenceByThread = new ConcurrentHashMap<>();
  private final Function<Thread, Executor> inferenceFor;

  /** Inference runs on the calling stream thread itself. */
  public ServingModels(ModelLoader loader, Deserializer<ModelCheckpoint> checkpoints) {
    this(loader, checkpoints, new ClassifierMetrics(), false);
  }

  /**
   * @param metrics counts the checkpoint reads put off for the registry
   * @param inferenceThreads whether each stream thread's inference runs on a thread of its own
   */
  public ServingModels(ModelLoader loader, Deserializer<ModelCheckpoint> checkpoints, ClassifierMetrics metrics,
      boolean inferenceThreads) {
    this.loader = loader;
    this.checkpoints = checkpoints;
    this.metrics = metrics;
    this.inferenceFor = inferenceThreads ? this::inferenceThreadOf : streamThread -> Runnable::run;
  }

  /** Inference runs wherever {@code inference} runs it: for tests that decide when a batch is done. */
  ServingModels(ModelLoader loader, Deserializer<ModelCheckpoint> checkpoints, Executor inference) {
    this.loader = loader;
    this.checkpoints = checkpoints;
    this.metrics = new ClassifierMetrics();
    this.inferenceFor = streamThread -> inference;
  }

  /** Where the calling stream thread's batches are classified, one after another. */
  Executor inference() {
    return inferenceFor.apply(Thread.currentThread());
  }

  private Executor inferenceThreadOf(Thread streamThread) {
    return inferenceByThread.computeIfAbsent(streamThread, owner -> Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, owner.getName() + "-inference");
      thread.setDaemon(true);
      return thread;
    }));
  }

  /**
   * The calling thread's model, first swapped to {@code latest} if that is a new, servable checkpoint.
   *
   * @param latest the checkpoints topic's latest record for the served model name, null if none yet
   * @param nowMs the stream thread's wall-clock time, which paces the reads put off for the registry
   * @param refusals told of a checkpoint refused for the first time
   */
  Optional<Serving> current(String topic, byte[] latest, long nowMs, Consumer<DeadLetter> refusals) {
    Thread thread = Thread.currentThread();
    Serving serving = byThread.get(thread);
    if (latest == null) {
      return Optional.ofNullable(serving);
    }
    // Asked before every batch: comparing bytes is far cheaper than decoding a record of ~0.8 MB.
    byte[] decided = lastDecided.get(thread);
    if (decided != null && (decided == latest || Arrays.equals(decided, latest))) {
      return Optional.ofNullable(serving);
    }
    if (!registryRetries.due(nowMs)) {
      return Optional.ofNullable(serving);
    }
    String recordSha256 = Sha256.hex(latest);
    if (refused.contains(recordSha256)) {
      lastDecided.put(thread, latest);
      return Optional.ofNullable(serving);
    }
    ModelCheckpoint checkpoint;
    try {
      checkpoint = checkpoints.deserialize(topic, latest);
    } catch (AvroSerdeException e) {
      if (!e.problem().isRecordAtFault()) {
        long retryInMs = registryRetries.failed(nowMs);
        metrics.recordCheckpointRetry();
        LOG.warn("cannot read the latest checkpoint now, will try again in {} ms; {}: {}", retryInMs,
            serving == null ? "frames wait for a first model" : "version " + serving.version() + " serves meanwhile",
            e.getMessage());
        return Optional.ofNullable(serving);
      }
      lastDecided.put(thread, latest);
      refuse(recordSha256, "unreadable checkpoint record of " + latest.length + " bytes with SHA-256 " + recordSha256,
          e.getMessage(), e, refusals);
      return Optional.ofNullable(serving);
    }
    registryRetries.succeeded();
    lastDecided.put(thread, latest);
    if (serving != null && serving.version() == checkpoint.getVersion() && serving.sha256().equals(checkpoint.getSha256())) {
      return Optional.of(serving);
    }
    if (serving != null && checkpoint.getVersion() < serving.version()) {
      return Optional.of(serving);
    }
    try {
      verifyChecksum(checkpoint);
      Serving loaded = new Serving(checkpoint.getVersion(), checkpoint.getSha256(), loader.load(checkpoint));
      if (serving == null) {
        forgetEndedThreads(); // a thread's first model: it may be the replacement of one that failed
      }
      byThread.put(thread, loaded);
      if (serving != null) {
        inference().execute(serving.classifier()::close); // after a batch it may still be classifying
      }
      LOG.info("{} now serves {} {}", thread.getName(), checkpoint.getModelName(), checkpoint.getVersion());
      return Optional.of(loaded);
    } catch (RuntimeException e) {
      String identity = checkpoint.getModelName() + " version " + checkpoint.getVersion() + " (" + checkpoint.getSha256() + ")";
      refuse(recordSha256, identity, e.getMessage(), e, refusals);
      return Optional.ofNullable(serving);
    }
  }

  /**
   * Closes the predictor and the inference thread of every stream thread that has ended: Kafka Streams
   * replaces a stream thread that failed, and the maps here would otherwise keep the old one's.
   */
  private void forgetEndedThreads() {
    lastDecided.keySet().removeIf(owner -> !owner.isAlive());
    for (Thread ended : byThread.keySet().stream().filter(owner -> !owner.isAlive()).toList()) {
      Serving serving = byThread.remove(ended);
      ExecutorService inference = inferenceByThread.remove(ended);
      if (inference == null) {
        serving.classifier().close();
      } else {
        inference.execute(serving.classifier()::close); // after a batch it may still be classifying
        inference.shutdown();
      }
      LOG.info("closed model version {} of ended stream thread {}", serving.version(), ended.getName());
    }
  }

  /** The checksum guards the weights between trainer and classifier, whatever the model's file format. */
  private static void verifyChecksum(ModelCheckpoint checkpoint) {
    String actual = Sha256.hex(checkpoint.getWeights().duplicate());
    if (!actual.equalsIgnoreCase(checkpoint.getSha256())) {
      throw new ModelLoader.RefusedCheckpointException("weights have SHA-256 " + actual + " but the checkpoint says "
          + checkpoint.getSha256() + ": corrupted or tampered with", null);
    }
  }

  private void refuse(String recordSha256, String identity, String reason, Throwable cause,
      Consumer<DeadLetter> refusals) {
    if (refused.add(recordSha256)) {
      LOG.error("refused checkpoint {}: {}; keeping the current model", identity, reason);
      DeadLetter letter = DeadLetters.fromInput(STAGE, "checkpoint refused: " + reason, identity, null);
      letter.setErrorClass(cause.getClass().getName());
      refusals.accept(letter);
    }
  }

  @Override
  public void close() {
    inferenceByThread.values().forEach(ExecutorService::shutdown);
    for (ExecutorService inference : inferenceByThread.values()) {
      try {
        if (!inference.awaitTermination(30, TimeUnit.SECONDS)) {
          LOG.warn("an inference thread did not finish within 30 s; closing its model anyway");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    inferenceByThread.clear();
    byThread.values().forEach(serving -> serving.classifier().close());
    byThread.clear();
  }
}
