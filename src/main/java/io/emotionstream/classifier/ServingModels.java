package io.emotionstream.classifier;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.ServingState;
import io.emotionstream.kafka.DeadLetters;
import io.emotionstream.kafka.Sha256;
import io.emotionstream.kafka.serde.AvroSerdeException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models the classifier serves with, and what every stream thread shares about them. Each
 * stream thread holds a predictor for the served version, and one for the candidate, if the
 * promotion task has named one, scored in shadow beside it ({@link StreamThreadModels}, acquired
 * and released by its tasks). What a thread holds follows the latest serving decision (the {@code
 * serving} topic, read as a global table) and changes between batches. A checkpoint that cannot be
 * served is refused once per process (known by the SHA-256 of its record) and the thread goes on
 * with what it had. A record that cannot be read only because the schema registry is away is no
 * fault of the record: it is read again later, less often the longer the registry stays away, while
 * the current model goes on serving.
 *
 * <p>With inference threads, each stream thread's predictors run on an inference thread of its own,
 * so that a batch is classified while the stream thread goes on reading, storing and committing
 * frames; the predictors are only ever used by that one thread, a batch at a time.
 */
public final class ServingModels implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServingModels.class);
  static final String STAGE = "classifier-checkpoint";

  /** A loaded model and the version it is. */
  record Serving(long version, String sha256, FaceClassifier classifier) {
    boolean is(ModelCheckpoint checkpoint) {
      return version == checkpoint.getVersion() && sha256.equals(checkpoint.getSha256());
    }
  }

  /**
   * What a batch is classified with: the served model, and the candidate scored beside it, if any.
   */
  record Models(Serving serving, Serving candidate) {
    Optional<Serving> shadow() {
      return Optional.ofNullable(candidate);
    }
  }

  private final ModelLoader loader;
  private final Deserializer<ModelCheckpoint> checkpoints;
  private final Deserializer<ServingState> states;

  /** SHA-256 of every record refused. */
  private final Set<String> refused = ConcurrentHashMap.newKeySet();

  private final RegistryRetries registryRetries = new RegistryRetries();
  private final ClassifierMetrics metrics;

  /** Makes the models of the named stream thread. */
  private final Function<String, StreamThreadModels> modelsFor;

  /** The models of the calling stream thread, while a task of it holds them. */
  private final ThreadLocal<StreamThreadModels> ofThisThread = new ThreadLocal<>();

  /** Every stream thread's models that a task still holds. */
  private final Set<StreamThreadModels> held = ConcurrentHashMap.newKeySet();

  /** Inference runs on the calling stream thread itself. */
  public ServingModels(
      ModelLoader loader,
      Deserializer<ModelCheckpoint> checkpoints,
      Deserializer<ServingState> states) {
    this(loader, checkpoints, states, new ClassifierMetrics(), false);
  }

  /**
   * @param metrics counts the record reads put off for the registry
   * @param inferenceThreads whether each stream thread's inference runs on a thread of its own
   */
  public ServingModels(
      ModelLoader loader,
      Deserializer<ModelCheckpoint> checkpoints,
      Deserializer<ServingState> states,
      ClassifierMetrics metrics,
      boolean inferenceThreads) {
    this.loader = loader;
    this.checkpoints = checkpoints;
    this.states = states;
    this.metrics = metrics;
    this.modelsFor =
        inferenceThreads
            ? streamThread -> StreamThreadModels.withInferenceThread(this, streamThread)
            : streamThread -> StreamThreadModels.on(this, streamThread, Runnable::run);
  }

  /**
   * Inference runs wherever {@code inference} runs it: for tests that decide when a batch is done.
   */
  ServingModels(
      ModelLoader loader,
      Deserializer<ModelCheckpoint> checkpoints,
      Deserializer<ServingState> states,
      Executor inference) {
    this.loader = loader;
    this.checkpoints = checkpoints;
    this.states = states;
    this.metrics = new ClassifierMetrics();
    this.modelsFor = streamThread -> StreamThreadModels.on(this, streamThread, inference);
  }

  /**
   * The calling stream thread's models, for a task it runs until the task releases them: the same
   * for every task of the thread, fresh once the thread's last task has released the ones before.
   */
  StreamThreadModels acquire() {
    StreamThreadModels models = ofThisThread.get();
    if (models == null || !models.retain()) {
      models = modelsFor.apply(Thread.currentThread().getName());
      models.retain();
      ofThisThread.set(models);
      held.add(models);
    }
    return models;
  }

  /** The last task holding {@code models} has released them. */
  void released(StreamThreadModels models) {
    held.remove(models);
    if (ofThisThread.get() == models) {
      ofThisThread.remove();
    }
  }

  /**
   * Refuses a checkpoint that could not be served: its weights do not match their checksum, or the
   * loader cannot make a classifier of them. The promotion task asks before it names a checkpoint
   * to serve.
   *
   * @throws ModelLoader.RefusedCheckpointException with the reason in words
   */
  void vet(ModelCheckpoint checkpoint) {
    verifyChecksum(checkpoint);
    loader.load(checkpoint).close();
  }

  /** A record read: its value, null if it was refused; or put off while the registry is away. */
  record Read<T>(T value, boolean putOff) {}

  /**
   * The latest serving decision, read with the refusals and the registry's back-off shared by every
   * thread.
   */
  Read<ServingState> readDecision(
      String topic, byte[] record, Serving serving, long nowMs, Consumer<DeadLetter> refusals) {
    return read(topic, record, states, serving, nowMs, refusals, "serving decision");
  }

  /** The latest checkpoint, read as {@link #readDecision} reads a decision. */
  Read<ModelCheckpoint> readCheckpoint(
      String topic, byte[] record, Serving serving, long nowMs, Consumer<DeadLetter> refusals) {
    return read(topic, record, checkpoints, serving, nowMs, refusals, "checkpoint");
  }

  /** Whether the registry may be asked again, after it was last found away. */
  boolean registryDue(long nowMs) {
    return registryRetries.due(nowMs);
  }

  /**
   * @param serving what serves meanwhile, for the log; null if nothing does yet
   */
  private <T> Read<T> read(
      String topic,
      byte[] record,
      Deserializer<T> deserializer,
      Serving serving,
      long nowMs,
      Consumer<DeadLetter> refusals,
      String what) {
    String recordSha256 = Sha256.hex(record);
    if (refused.contains(recordSha256)) {
      return new Read<>(null, false);
    }
    try {
      T value = deserializer.deserialize(topic, record);
      registryRetries.succeeded();
      return new Read<>(value, false);
    } catch (AvroSerdeException e) {
      if (!e.problem().isRecordAtFault()) {
        long retryInMs = registryRetries.failed(nowMs);
        metrics.recordCheckpointRetry();
        LOG.warn(
            "cannot read the latest {} now, will try again in {} ms; {}: {}",
            what,
            retryInMs,
            serving == null
                ? "frames wait for a first model"
                : "version " + serving.version() + " serves meanwhile",
            e.getMessage());
        return new Read<>(null, true);
      }
      refuse(
          recordSha256,
          "unreadable "
              + what
              + " record of "
              + record.length
              + " bytes with SHA-256 "
              + recordSha256,
          e.getMessage(),
          e,
          refusals);
      return new Read<>(null, false);
    }
  }

  /** A predictor of the checkpoint; null if it is refused, now or before. */
  Serving load(ModelCheckpoint checkpoint, Consumer<DeadLetter> refusals) {
    String identity =
        checkpoint.getModelName()
            + " version "
            + checkpoint.getVersion()
            + " ("
            + checkpoint.getSha256()
            + ")";
    if (refused.contains(identity)) {
      return null;
    }
    try {
      verifyChecksum(checkpoint);
      return new Serving(checkpoint.getVersion(), checkpoint.getSha256(), loader.load(checkpoint));
    } catch (RuntimeException e) {
      refuse(identity, identity, e.getMessage(), e, refusals);
      return null;
    }
  }

  /**
   * The checksum guards the weights between trainer and classifier, whatever the model's file
   * format.
   */
  private static void verifyChecksum(ModelCheckpoint checkpoint) {
    String actual = Sha256.hex(checkpoint.getWeights().duplicate());
    if (!actual.equalsIgnoreCase(checkpoint.getSha256())) {
      throw new ModelLoader.RefusedCheckpointException(
          "weights have SHA-256 "
              + actual
              + " but the checkpoint says "
              + checkpoint.getSha256()
              + ": corrupted or tampered with",
          null);
    }
  }

  private void refuse(
      String key, String identity, String reason, Throwable cause, Consumer<DeadLetter> refusals) {
    if (refused.add(key)) {
      LOG.error("refused {}: {}; keeping the current model", identity, reason);
      DeadLetter letter =
          DeadLetters.fromInput(STAGE, "checkpoint refused: " + reason, identity, null);
      letter.setErrorClass(cause.getClass().getName());
      refusals.accept(letter);
    }
  }

  /** Closes the models that tasks still hold: once the streams are closed, none should. */
  @Override
  public void close() {
    for (StreamThreadModels models : held) {
      models.close();
    }
    held.clear();
  }
}
