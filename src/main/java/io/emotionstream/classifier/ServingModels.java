package io.emotionstream.classifier;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.ServingState;
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
 * The models each stream thread holds: one predictor per thread for the served version, and one for the
 * candidate, if the promotion task has named one, scored in shadow beside it. What a thread holds follows the
 * latest serving decision (the {@code serving} topic, read as a global table) and changes between batches.
 * A checkpoint that cannot be served is refused once per process (known by the SHA-256 of its record) and the
 * thread goes on with what it had. A record that cannot be read only because the schema registry is away is no
 * fault of the record: it is read again later, less often the longer the registry stays away, while the current
 * model goes on serving.
 *
 * <p>With inference threads, each stream thread's predictors run on an inference thread of its own, so that a
 * batch is classified while the stream thread goes on reading, storing and committing frames; the predictors are
 * only ever used by that one thread, a batch at a time.
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

  /** What a batch is classified with: the served model, and the candidate scored beside it, if any. */
  record Models(Serving serving, Serving candidate) {
    Optional<Serving> shadow() {
      return Optional.ofNullable(candidate);
    }
  }

  /** One stream thread's predictors and the records it last decided on. */
  private static final class Held {
    Serving serving;
    Serving candidate;
    /** The serving record decided on last: while it stays the latest, so does the decision. */
    byte[] decidedState;
    Long candidateVersion;
    /** The latest checkpoint record looked at for the candidate, while the candidate stays unloaded. */
    byte[] lookedAtLatest;

    Optional<Models> models() {
      return serving == null ? Optional.empty() : Optional.of(new Models(serving, candidate));
    }
  }

  private final ModelLoader loader;
  private final Deserializer<ModelCheckpoint> checkpoints;
  private final Deserializer<ServingState> states;
  private final Map<Thread, Held> byThread = new ConcurrentHashMap<>();
  /** SHA-256 of every record refused. */
  private final Set<String> refused = ConcurrentHashMap.newKeySet();
  private final RegistryRetries registryRetries = new RegistryRetries();
  private final ClassifierMetrics metrics;
  private final Map<Thread, ExecutorService> inferenceByThread = new ConcurrentHashMap<>();
  private final Function<Thread, Executor> inferenceFor;

  /** Inference runs on the calling stream thread itself. */
  public ServingModels(ModelLoader loader, Deserializer<ModelCheckpoint> checkpoints,
      Deserializer<ServingState> states) {
    this(loader, checkpoints, states, new ClassifierMetrics(), false);
  }

  /**
   * @param metrics counts the record reads put off for the registry
   * @param inferenceThreads whether each stream thread's inference runs on a thread of its own
   */
  public ServingModels(ModelLoader loader, Deserializer<ModelCheckpoint> checkpoints,
      Deserializer<ServingState> states, ClassifierMetrics metrics, boolean inferenceThreads) {
    this.loader = loader;
    this.checkpoints = checkpoints;
    this.states = states;
    this.metrics = metrics;
    this.inferenceFor = inferenceThreads ? this::inferenceThreadOf : streamThread -> Runnable::run;
  }

  /** Inference runs wherever {@code inference} runs it: for tests that decide when a batch is done. */
  ServingModels(ModelLoader loader, Deserializer<ModelCheckpoint> checkpoints, Deserializer<ServingState> states,
      Executor inference) {
    this.loader = loader;
    this.checkpoints = checkpoints;
    this.states = states;
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
   * Refuses a checkpoint that could not be served: its weights do not match their checksum, or the loader
   * cannot make a classifier of them. The promotion task asks before it names a checkpoint to serve.
   *
   * @throws ModelLoader.RefusedCheckpointException with the reason in words
   */
  void vet(ModelCheckpoint checkpoint) {
    verifyChecksum(checkpoint);
    loader.load(checkpoint).close();
  }

  /**
   * The calling thread's models, first brought in line with the latest serving decision.
   *
   * @param state the serving topic's latest record for the served model name, null if none yet
   * @param latest the checkpoints topic's latest record for that name, where a candidate is loaded from
   * @param nowMs the stream thread's wall-clock time, which paces the reads put off for the registry
   * @param refusals told of a record refused for the first time
   */
  Optional<Models> current(String statesTopic, byte[] state, String checkpointsTopic, byte[] latest, long nowMs,
      Consumer<DeadLetter> refusals) {
    Thread thread = Thread.currentThread();
    Held held = byThread.computeIfAbsent(thread, owner -> {
      forgetEndedThreads(); // a new thread may be the replacement of one that failed
      return new Held();
    });
    if (state == null) {
      return held.models();
    }
    // Asked before every batch: comparing bytes is far cheaper than decoding a record of a megabyte.
    if (!sameRecord(held.decidedState, state)) {
      if (!registryRetries.due(nowMs)) {
        return held.models();
      }
      Read<ServingState> decision = read(statesTopic, state, states, held, nowMs, refusals, "serving decision");
      if (decision.putOff()) {
        return held.models();
      }
      held.decidedState = state;
      if (decision.value() != null) {
        follow(decision.value(), held, refusals);
      }
    }
    if (held.candidateVersion != null && held.candidate == null && !sameRecord(held.lookedAtLatest, latest)
        && latest != null && registryRetries.due(nowMs)) {
      loadCandidate(checkpointsTopic, latest, held, nowMs, refusals);
    }
    return held.models();
  }

  private static boolean sameRecord(byte[] decided, byte[] record) {
    return decided != null && (decided == record || Arrays.equals(decided, record));
  }

  /** Serves what the decision says, keeping a predictor already loaded for that version. */
  private void follow(ServingState decision, Held held, Consumer<DeadLetter> refusals) {
    ModelCheckpoint serving = decision.getServing();
    if (held.serving == null || !held.serving.is(serving)) {
      Serving loaded;
      if (held.candidate != null && held.candidate.is(serving)) {
        loaded = held.candidate;
        held.candidate = null;
      } else {
        loaded = load(serving, held, refusals);
      }
      if (loaded != null) {
        close(held.serving);
        held.serving = loaded;
        LOG.info("{} now serves {} {} ({})", Thread.currentThread().getName(), serving.getModelName(),
            serving.getVersion(), decision.getDecision());
      }
    }
    held.candidateVersion = decision.getCandidateVersion();
    if (held.candidate != null && !Long.valueOf(held.candidate.version()).equals(held.candidateVersion)) {
      close(held.candidate);
      held.candidate = null;
    }
    held.lookedAtLatest = null;
  }

  /** The candidate is the checkpoints topic's latest record, once that is the version the decision names. */
  private void loadCandidate(String topic, byte[] latest, Held held, long nowMs, Consumer<DeadLetter> refusals) {
    Read<ModelCheckpoint> read = read(topic, latest, checkpoints, held, nowMs, refusals, "checkpoint");
    if (read.putOff()) {
      return;
    }
    held.lookedAtLatest = latest;
    ModelCheckpoint checkpoint = read.value();
    if (checkpoint != null && checkpoint.getVersion() == held.candidateVersion) {
      held.candidate = load(checkpoint, held, refusals);
      if (held.candidate != null) {
        LOG.info("{} scores {} {} in shadow beside version {}", Thread.currentThread().getName(),
            checkpoint.getModelName(), held.candidateVersion, held.serving == null ? "none" : held.serving.version());
      }
    }
  }

  /** A record read: its value, null if it was refused; or put off while the registry is away. */
  private record Read<T>(T value, boolean putOff) {}

  private <T> Read<T> read(String topic, byte[] record, Deserializer<T> deserializer, Held held, long nowMs,
      Consumer<DeadLetter> refusals, String what) {
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
        LOG.warn("cannot read the latest {} now, will try again in {} ms; {}: {}", what, retryInMs,
            held.serving == null ? "frames wait for a first model" : "version " + held.serving.version()
                + " serves meanwhile", e.getMessage());
        return new Read<>(null, true);
      }
      refuse(recordSha256, "unreadable " + what + " record of " + record.length + " bytes with SHA-256 "
          + recordSha256, e.getMessage(), e, refusals);
      return new Read<>(null, false);
    }
  }

  private Serving load(ModelCheckpoint checkpoint, Held held, Consumer<DeadLetter> refusals) {
    String identity = checkpoint.getModelName() + " version " + checkpoint.getVersion() + " (" + checkpoint.getSha256() + ")";
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

  private void close(Serving serving) {
    if (serving != null) {
      inference().execute(serving.classifier()::close); // after a batch it may still be classifying
    }
  }

  /**
   * Closes the predictor and the inference thread of every stream thread that has ended: Kafka Streams
   * replaces a stream thread that failed, and the maps here would otherwise keep the old one's.
   */
  private void forgetEndedThreads() {
    for (Thread ended : byThread.keySet().stream().filter(owner -> !owner.isAlive()).toList()) {
      Held held = byThread.remove(ended);
      ExecutorService inference = inferenceByThread.remove(ended);
      for (Serving serving : new Serving[] {held.serving, held.candidate}) {
        if (serving == null) {
          continue;
        }
        if (inference == null) {
          serving.classifier().close();
        } else {
          inference.execute(serving.classifier()::close); // after a batch it may still be classifying
        }
        LOG.info("closed model version {} of ended stream thread {}", serving.version(), ended.getName());
      }
      if (inference != null) {
        inference.shutdown();
      }
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

  private void refuse(String key, String identity, String reason, Throwable cause,
      Consumer<DeadLetter> refusals) {
    if (refused.add(key)) {
      LOG.error("refused {}: {}; keeping the current model", identity, reason);
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
    for (Held held : byThread.values()) {
      for (Serving serving : new Serving[] {held.serving, held.candidate}) {
        if (serving != null) {
          serving.classifier().close();
        }
      }
    }
    byThread.clear();
  }
}
