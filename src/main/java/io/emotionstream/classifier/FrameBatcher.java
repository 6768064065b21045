package io.emotionstream.classifier;

import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.data.FaceResizer;
import io.emotionstream.kafka.DeadLetters;
import io.emotionstream.kafka.serde.AvroSerdeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the frames of one partition into micro-batches and classifies each batch with one model:
 * a batch closes when it holds {@code batchSize} frames or its oldest frame has waited {@code maxDelay}
 * (and, if another batch is in inference then, is classified as soon as that one ends).
 * Frames wait in a changelogged store, so a crash mid-batch loses none and, under exactly-once, none is
 * classified twice. Before any model exists frames keep waiting; none is dropped.
 *
 * <p>A closed batch is classified on the stream thread's inference thread while this processor goes
 * on storing the next frames; its frames stay in the store until their events are forwarded, in the
 * same transaction that deletes them. One batch is in flight at a time, so events keep frame order.
 */
final class FrameBatcher implements Processor<String, byte[], String, ClassifierOutput> {
  private static final Logger LOG = LoggerFactory.getLogger(FrameBatcher.class);
  static final String STAGE = ClassifierTopology.FRAME_STAGE;

  private final ClassifierSettings settings;
  private final String framesTopic;
  private final String checkpointsTopic;
  private final String checkpointStoreName;
  private final Deserializer<FaceFrame> frames;
  private final ServingModels models;
  private final ClassifierMetrics metrics;

  private ProcessorContext<String, ClassifierOutput> context;
  private KeyValueStore<String, byte[]> pending;
  private TimestampedKeyValueStore<String, byte[]> checkpoints;
  private long pendingCount;
  private long oldestPendingSince;
  private boolean waitingForModelLogged;
  /** The batch being classified, whose events are not forwarded yet; null if none. */
  private InFlight inFlight;
  /** The frames that waited for a model, classified so far once it came, and the longest wait among them. */
  private int waitedFramesServed;
  private long longestWaitMs;

  /**
   * @param modelWait whether its frames waited for a model to exist, and whether it is the last batch of them
   */
  private record InFlight(List<String> storeKeys, List<PendingFrame> frames,
      ServingModels.Serving model, CompletableFuture<Classified> result, ModelWait modelWait) {}

  private enum ModelWait { NONE, WAITED, WAITED_LAST }

  private record Classified(float[][] probabilities, long classifiedAtMs) {}

  FrameBatcher(ClassifierSettings settings, String framesTopic, String checkpointsTopic, String checkpointStoreName,
      Deserializer<FaceFrame> frames, ServingModels models, ClassifierMetrics metrics) {
    this.settings = settings;
    this.framesTopic = framesTopic;
    this.checkpointsTopic = checkpointsTopic;
    this.checkpointStoreName = checkpointStoreName;
    this.frames = frames;
    this.models = models;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, ClassifierOutput> context) {
    this.context = context;
    this.pending = context.getStateStore(ClassifierTopology.PENDING_STORE);
    this.checkpoints = context.getStateStore(checkpointStoreName);
    // Frames restored from the changelog after a crash form the first batch.
    this.pendingCount = pending.approximateNumEntries();
    this.oldestPendingSince = context.currentSystemTimeMs();
    long tick = tickMillis(settings);
    context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::classifyIfDue);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    forwardIfClassified();
    RecordMetadata origin = context.recordMetadata().orElseThrow();
    FaceFrame frame;
    try {
      frame = frames.deserialize(framesTopic, record.value());
      if (frame == null) {
        throw new SerializationException("empty payload (a tombstone) where a FaceFrame was expected");
      }
    } catch (AvroSerdeException e) {
      if (!e.problem().isRecordAtFault()) {
        throw e; // the registry is away: failing the task keeps the frame for a retry
      }
      refuse(record, origin, e.getMessage(), e);
      return;
    } catch (SerializationException e) {
      refuse(record, origin, framesTopic + ": " + e.getMessage(), e);
      return;
    }
    String problem = FrameCheck.problem(frame);
    if (problem != null) {
      refuse(record, origin, problem, null);
      return;
    }
    byte[] pixels = new byte[frame.getPixels().remaining()];
    frame.getPixels().get(pixels);
    byte[] face = FaceResizer.toFace(frame.getWidth(), frame.getHeight(), pixels);
    PendingFrame waiting = new PendingFrame(record.key(), frame.getFrameId(), frame.getSourceId(),
        frame.getCaptureTimeMs().toEpochMilli(), record.timestamp(), frame.getLabel(), face, frame.getScene());
    if (pendingCount == 0) {
      oldestPendingSince = context.currentSystemTimeMs();
    }
    pending.put(storeKey(origin.offset()), waiting.encode());
    pendingCount++;
    if (pendingCount >= settings.batchSize()) {
      classifyPending(); // waits for the batch in inference: a full batch holds the stream thread back
    } else {
      classifyIfDue(context.currentSystemTimeMs());
    }
  }

  /**
   * The frame's key in the pending store: its partition offset, unique within this task, zero-padded to
   * 19 digits so that keys sort in arrival order (as {@code %019d} would, without a formatter per frame).
   */
  static String storeKey(long offset) {
    String digits = Long.toString(offset);
    return "0".repeat(19 - digits.length()) + digits;
  }

  /** How often a batch is checked for being due or classified: a few ms late at most either way. */
  static long tickMillis(ClassifierSettings settings) {
    return Math.max(1, Math.min(2, settings.maxDelay().toMillis() / 2));
  }

  /**
   * Classifies the waiting frames once the oldest has waited the max delay and no batch is in inference.
   * A batch due while another is classified follows it as soon as that one ends, without holding the
   * stream thread: it goes on polling and committing meanwhile, and frames taken in that time join it.
   */
  private void classifyIfDue(long now) {
    forwardIfClassified();
    if (inFlight == null && pendingCount > 0 && now - oldestPendingSince >= settings.maxDelay().toMillis()) {
      classifyPending();
    }
  }

  private void classifyPending() {
    ValueAndTimestamp<byte[]> latest = checkpoints.get(settings.modelName());
    Optional<ServingModels.Serving> model = models.current(checkpointsTopic,
        latest == null ? null : latest.value(), context.currentSystemTimeMs(), this::forwardRefusedCheckpoint);
    if (model.isEmpty()) {
      if (!waitingForModelLogged) {
        LOG.info("{} frames wait for the first checkpoint of model '{}'", pendingCount, settings.modelName());
        waitingForModelLogged = true;
      }
      return;
    }
    boolean waitedForModel = waitingForModelLogged;
    waitingForModelLogged = false;
    forwardClassified(); // its frames leave the store, so what remains in it is what waits
    List<KeyValue<String, byte[]>> waiting = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> all = pending.all()) {
      all.forEachRemaining(waiting::add);
    }
    for (int from = 0; from < waiting.size(); from += settings.batchSize()) {
      forwardClassified();
      int to = Math.min(waiting.size(), from + settings.batchSize());
      ModelWait wait = !waitedForModel ? ModelWait.NONE
          : to == waiting.size() ? ModelWait.WAITED_LAST : ModelWait.WAITED;
      classify(waiting.subList(from, to), model.get(), wait);
    }
    pendingCount = 0;
  }

  private void classify(List<KeyValue<String, byte[]>> batch, ServingModels.Serving model, ModelWait wait) {
    List<String> storeKeys = new ArrayList<>(batch.size());
    List<PendingFrame> frames = new ArrayList<>(batch.size());
    byte[][] faces = new byte[batch.size()][];
    for (KeyValue<String, byte[]> entry : batch) {
      storeKeys.add(entry.key);
      PendingFrame frame = PendingFrame.decode(entry.value);
      faces[frames.size()] = frame.face();
      frames.add(frame);
    }
    CompletableFuture<Classified> result = new CompletableFuture<>();
    models.inference().execute(() -> {
      try {
        result.complete(new Classified(model.classifier().probabilities(faces), System.currentTimeMillis()));
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
      }
    });
    inFlight = new InFlight(storeKeys, frames, model, result, wait);
    forwardIfClassified(); // at once when inference runs on this thread
  }

  private void forwardIfClassified() {
    if (inFlight != null && inFlight.result().isDone()) {
      forwardClassified();
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
      // The task fails and its frames, still stored, are classified again when it restarts.
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    long version = batch.model().version();
    for (int i = 0; i < batch.frames().size(); i++) {
      PendingFrame frame = batch.frames().get(i);
      float[] probabilities = classified.probabilities()[i];
      int predicted = argMax(probabilities);
      List<Float> probabilityList = new ArrayList<>(probabilities.length);
      for (float p : probabilities) {
        probabilityList.add(p);
      }
      EmotionEvent event = EmotionEvent.newBuilder()
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
      context.forward(new Record<>(frame.key(), new ClassifierOutput.Classified(event), frame.timestamp()));
      if (frame.label() != null) {
        context.forward(new Record<>(String.valueOf(version),
            new ClassifierOutput.Scored(frame.label().ordinal(), predicted), frame.timestamp()));
      }
      long latency = classified.classifiedAtMs() - frame.captureTimeMs();
      if (batch.modelWait() == ModelWait.NONE) {
        metrics.recordLatency(latency);
      } else {
        longestWaitMs = Math.max(longestWaitMs, latency);
      }
      pending.delete(batch.storeKeys().get(i));
    }
    metrics.recordBatch(batch.frames().size(), version);
    if (batch.modelWait() != ModelWait.NONE) {
      metrics.recordFramesThatWaitedForAModel(batch.frames().size());
      waitedFramesServed += batch.frames().size();
    }
    if (batch.modelWait() == ModelWait.WAITED_LAST) {
      LOG.info("model version {} has classified the {} frames that waited for a model, the longest {} s after its "
          + "capture; the latency percentiles leave them out", version, waitedFramesServed,
          String.format(Locale.ROOT, "%.1f", longestWaitMs / 1000.0));
      waitedFramesServed = 0;
      longestWaitMs = 0;
    }
  }

  /**
   * A batch still in flight is not forwarded here (forwarding is not allowed while closing): its frames
   * stay stored and are classified again by whichever instance gets the task next.
   */
  @Override
  public void close() {
    if (inFlight != null) {
      inFlight.result().handle((classified, error) -> null).join(); // the model must not be closed under it
      inFlight = null;
    }
  }

  private void refuse(Record<String, byte[]> record, RecordMetadata origin, String reason, Throwable cause) {
    LOG.warn("dead letter: {} partition {} offset {}: {}", origin.topic(), origin.partition(), origin.offset(), reason);
    byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
    DeadLetter letter = DeadLetters.fromRecord(STAGE, reason, cause, origin.topic(), origin.partition(),
        origin.offset(), key, record.value());
    metrics.recordDeadLetter();
    context.forward(record.withValue(new ClassifierOutput.Refused(letter)));
  }

  private void forwardRefusedCheckpoint(DeadLetter letter) {
    metrics.recordDeadLetter();
    context.forward(new Record<>(settings.modelName(), new ClassifierOutput.Refused(letter),
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
