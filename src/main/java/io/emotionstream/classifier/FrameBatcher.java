package io.emotionstream.classifier;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.data.FaceResizer;
import io.emotionstream.kafka.serde.AvroSerdeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the frames of one partition into micro-batches and classifies each batch with one model,
 * the one served; while the promotion task names a candidate, the batch's labelled frames are
 * classified with it too, in shadow: its scores go to the rolling accuracy and, compared with the
 * served model's on the same frames, to the promotion task; its events are never emitted. Batches
 * form dynamically: a frame that comes while no batch is in inference goes to inference at once,
 * alone; frames that come while one is classified wait and form the next batch, up to {@code
 * batchSize}. A positive {@code maxDelay} trades latency for fuller batches: a partial batch then
 * waits until its oldest frame has waited that long. Before any model exists frames keep waiting;
 * none is dropped.
 *
 * <p>A batch is classified on the stream thread's inference thread while this processor goes on
 * taking the next frames; one batch is in flight at a time, so events keep frame order. Waiting
 * frames live in memory; only the offsets of those not yet classified go to a changelogged store
 * ({@link UnclassifiedOffsets}), so that the task's next owner, after a crash or a rebalance, reads
 * them again from the input partition: none is lost and, under exactly-once, none is classified
 * twice.
 */
final class FrameBatcher implements Processor<String, byte[], String, ClassifierOutput> {
  private static final Logger LOG = LoggerFactory.getLogger(FrameBatcher.class);
  static final String STAGE = ClassifierTopology.FRAME_STAGE;

  private final ClassifierSettings settings;
  private final String framesTopic;
  private final String checkpointsTopic;
  private final String servingTopic;
  private final Deserializer<String> keys;
  private final Deserializer<FaceFrame> frames;
  private final ServingModels models;
  private final ClassifierMetrics metrics;

  /** The stream thread's models, held from {@link #init} to {@link #close}. */
  private StreamThreadModels threadModels;

  private ProcessorContext<String, ClassifierOutput> context;
  private UnclassifiedOffsets unclassified;
  private TimestampedKeyValueStore<String, byte[]> checkpoints;
  private TimestampedKeyValueStore<String, byte[]> servingStates;
  private final ArrayDeque<PendingFrame> waiting = new ArrayDeque<>();

  /** One past the offset of the last frame taken. */
  private long end;

  private long oldestWaitingSince;
  private boolean waitingForModelLogged;

  /**
   * Of the waiting frames, how many waited for a model to exist: they are classified before any
   * other.
   */
  private int waitedForModel;

  /** The batch being classified, whose events are not forwarded yet; null if none. */
  private InFlight inFlight;

  /**
   * The frames that waited for a model, classified so far once it came, and the longest wait among
   * them.
   */
  private int waitedFramesServed;

  private long longestWaitMs;

  /**
   * @param modelWait whether its frames waited for a model to exist, and whether it is the last
   *     batch of them
   */
  private record InFlight(
      List<PendingFrame> frames,
      ServingModels.Models models,
      CompletableFuture<Classified> result,
      ModelWait modelWait) {}

  private enum ModelWait {
    NONE,
    WAITED,
    WAITED_LAST
  }

  /**
   * @param candidatePredictions the candidate's prediction for each labelled frame of the batch (-1
   *     for the others); null without a candidate
   */
  private record Classified(
      float[][] probabilities, int[] candidatePredictions, long classifiedAtMs) {}

  FrameBatcher(
      ClassifierSettings settings,
      String framesTopic,
      String checkpointsTopic,
      String servingTopic,
      Deserializer<String> keys,
      Deserializer<FaceFrame> frames,
      ServingModels models,
      ClassifierMetrics metrics) {
    this.settings = settings;
    this.framesTopic = framesTopic;
    this.checkpointsTopic = checkpointsTopic;
    this.servingTopic = servingTopic;
    this.keys = keys;
    this.frames = frames;
    this.models = models;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, ClassifierOutput> context) {
    this.context = context;
    this.unclassified =
        new UnclassifiedOffsets(context.getStateStore(ClassifierTopology.UNCLASSIFIED_STORE));
    this.checkpoints = context.getStateStore(ClassifierTopology.CHECKPOINT_STORE);
    this.servingStates = context.getStateStore(ClassifierTopology.SERVING_STORE);
    unclassified.left().ifPresent(this::takeAgain);
    long tick = tickMillis(settings);
    context.schedule(
        Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, now -> classifyWhatIsDue());
    threadModels = models.acquire();
  }

  /**
   * The frames a crashed or rebalanced owner took and did not classify form the first batches.
   * Frames of the range refused then are skipped: their dead letters were committed with the range.
   */
  private void takeAgain(UnclassifiedOffsets.Range range) {
    TopicPartition partition = new TopicPartition(framesTopic, context.taskId().partition());
    List<ConsumerRecord<byte[], byte[]>> records =
        new PartitionRereader(context.appConfigs()).read(partition, range.first(), range.end());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Taken taken =
          take(
              keys.deserialize(framesTopic, record.key()),
              record.value(),
              record.timestamp(),
              record.offset());
      if (taken instanceof Taken.Frame frame) {
        waiting.add(frame.frame());
      }
    }
    end = range.end();
    oldestWaitingSince = context.currentSystemTimeMs();
    LOG.info(
        "{}: {} frames taken but not classified when the task last stopped were read again from offsets {} "
            + "to {}",
        partition,
        waiting.size(),
        range.first(),
        range.end());
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RecordMetadata origin = context.recordMetadata().orElseThrow();
    Taken taken = take(record.key(), record.value(), record.timestamp(), origin.offset());
    end = origin.offset() + 1;
    if (taken instanceof Taken.Refused refused) {
      refuse(record, origin, refused.reason(), refused.cause());
    } else {
      if (waiting.isEmpty()) {
        oldestWaitingSince = context.currentSystemTimeMs();
      }
      waiting.add(((Taken.Frame) taken).frame());
    }
    classifyWhatIsDue();
  }

  /**
   * A frame read from the input: checked and resized to the model's input, or refused with the
   * reason.
   */
  private sealed interface Taken {
    record Frame(PendingFrame frame) implements Taken {}

    record Refused(String reason, Throwable cause) implements Taken {}
  }

  private Taken take(String key, byte[] value, long timestamp, long offset) {
    FaceFrame frame;
    try {
      frame = frames.deserialize(framesTopic, value);
      if (frame == null) {
        throw new SerializationException(
            "empty payload (a tombstone) where a FaceFrame was expected");
      }
    } catch (AvroSerdeException e) {
      if (!e.problem().isRecordAtFault()) {
        throw e; // the registry is away: failing the task keeps the frame for a retry
      }
      return new Taken.Refused(e.getMessage(), e);
    } catch (SerializationException e) {
      return new Taken.Refused(framesTopic + ": " + e.getMessage(), e);
    }
    String problem = FrameCheck.problem(frame);
    if (problem != null) {
      return new Taken.Refused(problem, null);
    }
    byte[] pixels = new byte[frame.getPixels().remaining()];
    frame.getPixels().get(pixels);
    byte[] face = FaceResizer.toFace(frame.getWidth(), frame.getHeight(), pixels);
    return new Taken.Frame(
        new PendingFrame(
            offset,
            key,
            frame.getFrameId(),
            frame.getSourceId(),
            frame.getCaptureTimeMs().toEpochMilli(),
            timestamp,
            frame.getLabel(),
            face,
            frame.getScene()));
  }

  /** How often a batch is checked for being due or classified: a few ms late at most either way. */
  static long tickMillis(ClassifierSettings settings) {
    return Math.max(1, Math.min(2, settings.maxDelay().toMillis() / 2));
  }

  /**
   * Forwards the batch in flight if it is classified, and starts the next one when it is due: at
   * once when nothing is in inference (after the max delay, if there is one, unless the batch is
   * full); when a batch is in flight, only a full batch waits for it, holding the stream thread
   * back; a partial one follows as soon as it ends, while the stream thread goes on polling and
   * committing, and the frames taken meanwhile join it.
   */
  private void classifyWhatIsDue() {
    forwardIfClassified();
    while (!waiting.isEmpty()) {
      boolean full = waiting.size() >= settings.batchSize();
      if (!full
          && waitedForModel == 0
          && (inFlight != null
              || context.currentSystemTimeMs() - oldestWaitingSince
                  < settings.maxDelay().toMillis())) {
        break;
      }
      Optional<ServingModels.Models> model = servingModels();
      if (model.isEmpty()) {
        break;
      }
      forwardClassified();
      classify(model.get());
    }
    rememberUnclassified();
  }

  private Optional<ServingModels.Models> servingModels() {
    ValueAndTimestamp<byte[]> state = servingStates.get(settings.modelName());
    ValueAndTimestamp<byte[]> latest = checkpoints.get(settings.modelName());
    Optional<ServingModels.Models> model =
        threadModels.current(
            servingTopic,
            state == null ? null : state.value(),
            checkpointsTopic,
            latest == null ? null : latest.value(),
            context.currentSystemTimeMs(),
            this::forwardRefusedCheckpoint);
    if (model.isEmpty()) {
      if (!waitingForModelLogged) {
        LOG.info(
            "{} frames wait for a first model '{}' to be served",
            waiting.size(),
            settings.modelName());
        waitingForModelLogged = true;
      }
    } else if (waitingForModelLogged) {
      waitingForModelLogged = false;
      waitedForModel = waiting.size();
    }
    return model;
  }

  private void classify(ServingModels.Models model) {
    int size = Math.min(settings.batchSize(), waiting.size());
    List<PendingFrame> batch = new ArrayList<>(size);
    byte[][] faces = new byte[size][];
    List<Integer> labelled = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      PendingFrame frame = waiting.poll();
      faces[i] = frame.face();
      batch.add(frame);
      if (frame.label() != null) {
        labelled.add(i);
      }
    }
    // The candidate classifies only the frames it can be scored on; its events are never emitted.
    ServingModels.Serving shadow = labelled.isEmpty() ? null : model.candidate();
    oldestWaitingSince = context.currentSystemTimeMs();
    ModelWait wait = ModelWait.NONE;
    if (waitedForModel > 0) {
      waitedForModel = Math.max(0, waitedForModel - size);
      wait = waitedForModel == 0 ? ModelWait.WAITED_LAST : ModelWait.WAITED;
    }
    CompletableFuture<Classified> result = new CompletableFuture<>();
    threadModels
        .inference()
        .execute(
            () -> {
              try {
                float[][] probabilities = model.serving().classifier().probabilities(faces);
                long classifiedAtMs = System.currentTimeMillis();
                result.complete(
                    new Classified(
                        probabilities,
                        shadow == null ? null : shadowPredictions(shadow, faces, labelled),
                        classifiedAtMs));
              } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
              }
            });
    inFlight = new InFlight(batch, model, result, wait);
    forwardIfClassified(); // at once when inference runs on this thread
  }

  private static int[] shadowPredictions(
      ServingModels.Serving shadow, byte[][] faces, List<Integer> labelled) {
    byte[][] labelledFaces = new byte[labelled.size()][];
    for (int i = 0; i < labelledFaces.length; i++) {
      labelledFaces[i] = faces[labelled.get(i)];
    }
    float[][] probabilities = shadow.classifier().probabilities(labelledFaces);
    int[] predictions = new int[faces.length];
    java.util.Arrays.fill(predictions, -1);
    for (int i = 0; i < labelledFaces.length; i++) {
      predictions[labelled.get(i)] = argMax(probabilities[i]);
    }
    return predictions;
  }

  private void forwardIfClassified() {
    if (inFlight != null && inFlight.result().isDone()) {
      forwardClassified();
    }
  }

  /**
   * Points the store at the oldest frame not classified yet, or clears it when every frame taken
   * is.
   */
  private void rememberUnclassified() {
    PendingFrame oldest = inFlight != null ? inFlight.frames().get(0) : waiting.peek();
    if (oldest == null) {
      unclassified.forget();
    } else {
      unclassified.remember(oldest.offset(), end);
    }
  }

  /** Waits for the batch in flight, if any, and forwards its events. */
  private void forwardClassified() {
    if (inFlight == null) {
      return;
    }
    InFlight batch = inFlight;
    inFlight = null;
    Classified classified;
    try {
      classified = batch.result().join();
    } catch (CompletionException e) {
      // The task fails; its frames' offsets, still stored, bring them back when it restarts.
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    long version = batch.models().serving().version();
    int[] shadow = classified.candidatePredictions();
    int compared = 0;
    int candidateCorrect = 0;
    int servingCorrect = 0;
    for (int i = 0; i < batch.frames().size(); i++) {
      PendingFrame frame = batch.frames().get(i);
      float[] probabilities = classified.probabilities()[i];
      int predicted = argMax(probabilities);
      List<Float> probabilityList = new ArrayList<>(probabilities.length);
      for (float p : probabilities) {
        probabilityList.add(p);
      }
      EmotionEvent event =
          EmotionEvent.newBuilder()
              .setFrameId(frame.frameId())
              .setSourceId(frame.sourceId())
              .setEmotion(Emotion.values()[predicted])
              .setConfidence(probabilities[predicted])
              .setProbabilities(probabilityList)
              .setModelVersion(version)
              .setCaptureTimeMs(Instant.ofEpochMilli(frame.captureTimeMs()))
              .setClassifiedTimeMs(Instant.ofEpochMilli(classified.classifiedAtMs()))
              .setLabel(frame.label())
              .setScene(frame.scene())
              .build();
      context.forward(
          new Record<>(frame.key(), new ClassifierOutput.Classified(event), frame.timestamp()));
      if (frame.label() != null) {
        int actual = frame.label().ordinal();
        context.forward(
            new Record<>(
                String.valueOf(version),
                new ClassifierOutput.Scored(actual, predicted),
                frame.timestamp()));
        if (shadow != null) {
          context.forward(
              new Record<>(
                  String.valueOf(batch.models().candidate().version()),
                  new ClassifierOutput.Scored(actual, shadow[i]),
                  frame.timestamp()));
          compared++;
          candidateCorrect += shadow[i] == actual ? 1 : 0;
          servingCorrect += predicted == actual ? 1 : 0;
        }
        if (settings.liveLearning().enabled()) {
          context.forward(
              new Record<>(
                  frame.frameId(),
                  new ClassifierOutput.Learned(
                      frame.frameId(), frame.sourceId(), frame.label(), frame.face()),
                  frame.timestamp()));
        }
      }
      long latency = classified.classifiedAtMs() - frame.captureTimeMs();
      if (batch.modelWait() == ModelWait.NONE) {
        metrics.recordLatency(latency);
      } else {
        longestWaitMs = Math.max(longestWaitMs, latency);
      }
    }
    if (compared > 0) {
      context.forward(
          new Record<>(
              settings.modelName(),
              new ClassifierOutput.Compared(
                  batch.models().candidate().version(),
                  version,
                  compared,
                  candidateCorrect,
                  servingCorrect),
              context.currentSystemTimeMs()));
    }
    metrics.recordBatch(batch.frames().size(), version);
    if (batch.modelWait() != ModelWait.NONE) {
      metrics.recordFramesThatWaitedForAModel(batch.frames().size());
      waitedFramesServed += batch.frames().size();
    }
    if (batch.modelWait() == ModelWait.WAITED_LAST) {
      LOG.info(
          "model version {} has classified the {} frames that waited for a model, the longest {} s after its "
              + "capture; the latency percentiles leave them out",
          version,
          waitedFramesServed,
          String.format(Locale.ROOT, "%.1f", longestWaitMs / 1000.0));
      waitedFramesServed = 0;
      longestWaitMs = 0;
    }
  }

  /**
   * A batch still in flight is not forwarded here (forwarding is not allowed while closing): its
   * offsets stay stored and its frames are read again by whichever instance gets the task next. The
   * stream thread's models are released only after it: the last task to release them closes them.
   */
  @Override
  public void close() {
    if (inFlight != null) {
      inFlight
          .result()
          .handle((classified, error) -> null)
          .join(); // the model must not be closed under it
      inFlight = null;
    }
    if (threadModels != null) {
      threadModels.release();
      threadModels = null;
    }
  }

  private void refuse(
      Record<String, byte[]> record, RecordMetadata origin, String reason, Throwable cause) {
    metrics.recordDeadLetter();
    context.forward(
        record.withValue(
            RefusedRecords.refuse(
                LOG, STAGE, origin, record.key(), record.value(), reason, cause)));
  }

  private void forwardRefusedCheckpoint(DeadLetter letter) {
    metrics.recordDeadLetter();
    context.forward(
        new Record<>(
            settings.modelName(),
            new ClassifierOutput.Refused(letter),
            context.currentSystemTimeMs()));
  }

  private static int argMax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
}
