package io.emotionstream.classifier;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.ServingState;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream thread's predictors (the served version's and the candidate's) and, with inference
 * threads, the thread that runs them, shared by the tasks that stream thread runs: Kafka Streams
 * makes a processor per task, and a predictor per task would multiply the memory. Each task's
 * {@link FrameBatcher} acquires them in {@code init} ({@link ServingModels#acquire}) and releases
 * them in {@code close}; the last release closes the predictors and the inference thread. A stream
 * thread that fails closes its tasks on the way out, so its replacement starts with fresh models
 * and the failed one's are closed.
 *
 * <p>Only the owning stream thread asks for models and queues batches; the tasks' count is the one
 * thing other threads may touch.
 */
final class StreamThreadModels {
  private static final Logger LOG = LoggerFactory.getLogger(StreamThreadModels.class);

  private final ServingModels process;
  private final String streamThread;
  private final Executor inference;

  /**
   * The inference thread of this stream thread alone, closed with it; null when inference runs
   * elsewhere.
   */
  private final ExecutorService ownInference;

  private int tasks;
  private boolean closed;

  private ServingModels.Serving serving;
  private ServingModels.Serving candidate;

  /** The serving record decided on last: while it stays the latest, so does the decision. */
  private byte[] decidedState;

  private Long candidateVersion;

  /**
   * The latest checkpoint record looked at for the candidate, while the candidate stays unloaded.
   */
  private byte[] lookedAtLatest;

  private StreamThreadModels(
      ServingModels process,
      String streamThread,
      Executor inference,
      ExecutorService ownInference) {
    this.process = process;
    this.streamThread = streamThread;
    this.inference = inference;
    this.ownInference = ownInference;
  }

  /**
   * Models whose batches run on an inference thread of their own, named after the stream thread.
   */
  static StreamThreadModels withInferenceThread(ServingModels process, String streamThread) {
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread inference = new Thread(runnable, streamThread + "-inference");
              inference.setDaemon(true);
              return inference;
            });
    return new StreamThreadModels(process, streamThread, thread, thread);
  }

  /** Models whose batches run wherever {@code inference} runs them, which outlives them. */
  static StreamThreadModels on(ServingModels process, String streamThread, Executor inference) {
    return new StreamThreadModels(process, streamThread, inference, null);
  }

  /** Counts one more task holding these models; false once the last one has released them. */
  synchronized boolean retain() {
    if (closed) {
      return false;
    }
    tasks++;
    return true;
  }

  /**
   * A task is done with these models; the last one closes them. The task has waited for its batch
   * in flight, so once every task has, nothing classifies with them any more.
   */
  void release() {
    synchronized (this) {
      if (closed || --tasks > 0) {
        return;
      }
      closed = true;
    }
    process.released(this);
    closeModels();
  }

  /** Closes the models whatever tasks still hold them: the whole classifier is closing. */
  void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    closeModels();
  }

  private void closeModels() {
    if (ownInference != null) {
      ownInference.shutdown(); // runs what is queued first: the closing of models swapped out
      try {
        if (!ownInference.awaitTermination(30, TimeUnit.SECONDS)) {
          LOG.warn(
              "the inference thread of {} did not finish within 30 s; closing its models anyway",
              streamThread);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (ServingModels.Serving held : new ServingModels.Serving[] {serving, candidate}) {
      if (held != null) {
        held.classifier().close();
        LOG.info("closed model version {} of stream thread {}", held.version(), streamThread);
      }
    }
    serving = null;
    candidate = null;
  }

  /** Where this stream thread's batches are classified, one after another. */
  Executor inference() {
    return inference;
  }

  private Optional<ServingModels.Models> models() {
    return serving == null
        ? Optional.empty()
        : Optional.of(new ServingModels.Models(serving, candidate));
  }

  /**
   * The models, first brought in line with the latest serving decision.
   *
   * @param state the serving topic's latest record for the served model name, null if none yet
   * @param latest the checkpoints topic's latest record for that name, where a candidate is loaded
   *     from
   * @param nowMs the stream thread's wall-clock time, which paces the reads put off for the
   *     registry
   * @param refusals told of a record refused for the first time
   */
  Optional<ServingModels.Models> current(
      String statesTopic,
      byte[] state,
      String checkpointsTopic,
      byte[] latest,
      long nowMs,
      Consumer<DeadLetter> refusals) {
    if (state == null) {
      return models();
    }
    // Asked before every batch: comparing bytes is far cheaper than decoding a record of a
    // megabyte.
    if (!sameRecord(decidedState, state)) {
      if (!process.registryDue(nowMs)) {
        return models();
      }
      ServingModels.Read<ServingState> decision =
          process.readDecision(statesTopic, state, serving, nowMs, refusals);
      if (decision.putOff()) {
        return models();
      }
      decidedState = state;
      if (decision.value() != null) {
        follow(decision.value(), refusals);
      }
    }
    if (candidateVersion != null
        && candidate == null
        && !sameRecord(lookedAtLatest, latest)
        && latest != null
        && process.registryDue(nowMs)) {
      loadCandidate(checkpointsTopic, latest, nowMs, refusals);
    }
    return models();
  }

  private static boolean sameRecord(byte[] decided, byte[] record) {
    return decided != null && (decided == record || Arrays.equals(decided, record));
  }

  /** Serves what the decision says, keeping a predictor already loaded for that version. */
  private void follow(ServingState decision, Consumer<DeadLetter> refusals) {
    ModelCheckpoint toServe = decision.getServing();
    if (serving == null || !serving.is(toServe)) {
      ServingModels.Serving loaded;
      if (candidate != null && candidate.is(toServe)) {
        loaded = candidate;
        candidate = null;
      } else {
        loaded = process.load(toServe, refusals);
      }
      if (loaded != null) {
        closeAfterItsBatch(serving);
        serving = loaded;
        LOG.info(
            "{} now serves {} {} ({})",
            streamThread,
            toServe.getModelName(),
            toServe.getVersion(),
            decision.getDecision());
      }
    }
    candidateVersion = decision.getCandidateVersion();
    if (candidate != null && !Long.valueOf(candidate.version()).equals(candidateVersion)) {
      closeAfterItsBatch(candidate);
      candidate = null;
    }
    lookedAtLatest = null;
  }

  /**
   * The candidate is the checkpoints topic's latest record, once that is the version the decision
   * names.
   */
  private void loadCandidate(
      String topic, byte[] latest, long nowMs, Consumer<DeadLetter> refusals) {
    ServingModels.Read<ModelCheckpoint> read =
        process.readCheckpoint(topic, latest, serving, nowMs, refusals);
    if (read.putOff()) {
      return;
    }
    lookedAtLatest = latest;
    ModelCheckpoint checkpoint = read.value();
    if (checkpoint != null && checkpoint.getVersion() == candidateVersion) {
      candidate = process.load(checkpoint, refusals);
      if (candidate != null) {
        LOG.info(
            "{} scores {} {} in shadow beside version {}",
            streamThread,
            checkpoint.getModelName(),
            candidateVersion,
            serving == null ? "none" : serving.version());
      }
    }
  }

  private void closeAfterItsBatch(ServingModels.Serving swappedOut) {
    if (swappedOut != null) {
      inference.execute(
          swappedOut.classifier()::close); // after a batch it may still be classifying
    }
  }
}
