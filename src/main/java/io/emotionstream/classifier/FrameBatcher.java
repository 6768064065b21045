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
import java.util.Optional;
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
 * a batch closes when it holds {@code batchSize} frames or its oldest frame has waited {@code maxDelay}.
 * Frames wait in a changelogged store, so a crash mid-batch loses none and, under exactly-once, none is
 * classified twice. Before any model exists frames keep waiting; none is dropped.
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
    long tick = Math.max(1, settings.maxDelay().toMillis() / 2);
    context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::flushIfDue);
  }

  @Override
  public void process(Record<String, byte[]> record) {
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
        frame.getCaptureTimeMs().toEpochMilli(), record.timestamp(), frame.getLabel(), face);
    if (pendingCount == 0) {
      oldestPendingSince = context.currentSystemTimeMs();
    }
    // Partition offsets are unique within this task and sort in arrival order.
    pending.put(String.format("%019d", origin.offset()), waiting.encode());
    pendingCount++;
    if (pendingCount >= settings.batchSize()) {
      classifyPending();
    }
  }

  private void flushIfDue(long now) {
    if (pendingCount > 0 && now - oldestPendingSince >= settings.maxDelay().toMillis()) {
      classifyPending();
    }
  }

  private void classifyPending() {
    ValueAndTimestamp<byte[]> latest = checkpoints.get(settings.modelName());
    Optional<ServingModels.Serving> model = models.current(checkpointsTopic,
        latest == null ? null : latest.value(), this::forwardRefusedCheckpoint);
    if (model.isEmpty()) {
      if (!waitingForModelLogged) {
        LOG.info("{} frames wait for the first checkpoint of model '{}'", pendingCount, settings.modelName());
        waitingForModelLogged = true;
      }
      return;
    }
    waitingForModelLogged = false;
    List<KeyValue<String, byte[]>> waiting = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> all = pending.all()) {
      all.forEachRemaining(waiting::add);
    }
    for (int from = 0; from < waiting.size(); from += settings.batchSize()) {
      classify(waiting.subList(from, Math.min(waiting.size(), from + settings.batchSize())), model.get());
    }
    pendingCount = 0;
  }

  private void classify(List<KeyValue<String, byte[]>> batch, ServingModels.Serving model) {
    List<PendingFrame> frames = new ArrayList<>(batch.size());
    byte[][] faces = new byte[batch.size()][];
    for (KeyValue<String, byte[]> entry : batch) {
      PendingFrame frame = PendingFrame.decode(entry.value);
      faces[frames.size()] = frame.face();
      frames.add(frame);
    }
    float[][] probabilities = model.classifier().probabilities(faces);
    long classifiedAt = System.currentTimeMillis();
    for (int i = 0; i < frames.size(); i++) {
      PendingFrame frame = frames.get(i);
      int predicted = argMax(probabilities[i]);
      List<Float> probabilityList = new ArrayList<>(probabilities[i].length);
      for (float p : probabilities[i]) {
        probabilityList.add(p);
      }
      EmotionEvent event = EmotionEvent.newBuilder()
          .setFrameId(frame.frameId())
          .setSourceId(frame.sourceId())
          .setEmotion(Emotion.values()[predicted])
          .setConfidence(probabilities[i][predicted])
          .setProbabilities(probabilityList)
          .setModelVersion(model.version())
          .setCaptureTimeMs(Instant.ofEpochMilli(frame.captureTimeMs()))
          .setClassifiedTimeMs(Instant.ofEpochMilli(classifiedAt))
          .setLabel(frame.label())
          .build();
      context.forward(new Record<>(frame.key(), new ClassifierOutput.Classified(event), frame.timestamp()));
      if (frame.label() != null) {
        context.forward(new Record<>(String.valueOf(model.version()),
            new ClassifierOutput.Scored(frame.label().ordinal(), predicted), frame.timestamp()));
      }
      metrics.recordLatency(classifiedAt - frame.captureTimeMs());
      pending.delete(batch.get(i).key);
    }
    metrics.recordBatch(frames.size(), model.version());
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
