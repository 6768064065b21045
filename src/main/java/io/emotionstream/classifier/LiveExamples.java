package io.emotionstream.classifier;

import io.emotionstream.avro.TrainingExample;
import io.emotionstream.avro.Usage;
import java.nio.ByteBuffer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Turns labelled live frames into training examples, each frame id once within the deduplication
 * window: a camera that sends a frame again (a producer's retry, a replayed file) does not weigh it
 * twice. A frame's split is decided by its id, so a frame sent again lands on the same side. The
 * frames of one source share a partition, so the ids are remembered per task.
 */
final class LiveExamples
    implements Processor<String, ClassifierOutput.Learned, String, TrainingExample> {
  /** Examples from live frames are named so, apart from the data sets' own ids. */
  static final String ID_PREFIX = "live:";

  private static final int SHARE_STEPS = 10_000;

  private final LiveLearning learning;
  private final String storeName;
  private ProcessorContext<String, TrainingExample> context;
  private WindowStore<String, Long> seen;

  LiveExamples(LiveLearning learning, String storeName) {
    this.learning = learning;
    this.storeName = storeName;
  }

  @Override
  public void init(ProcessorContext<String, TrainingExample> context) {
    this.context = context;
    this.seen = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, ClassifierOutput.Learned> record) {
    ClassifierOutput.Learned frame = record.value();
    long time = record.timestamp();
    long window = learning.dedupWindow().toMillis();
    try (WindowStoreIterator<Long> earlier =
        seen.fetch(frame.frameId(), time - window, time + window)) {
      if (earlier.hasNext()) {
        return;
      }
    }
    seen.put(frame.frameId(), time, time);
    TrainingExample example =
        TrainingExample.newBuilder()
            .setExampleId(ID_PREFIX + frame.frameId())
            .setLabel(frame.label())
            .setPixels(ByteBuffer.wrap(frame.face()))
            .setUsage(usageOf(frame.frameId(), learning.validationShare()))
            .setOrigin(ID_PREFIX + frame.sourceId())
            .build();
    context.forward(new Record<>(example.getExampleId(), example, time));
  }

  /**
   * The same frame id gets the same split wherever and whenever it is decided: String's hash is
   * specified. It is mixed first, as consecutive ids (cam-17, cam-18) have consecutive hashes.
   */
  static Usage usageOf(String frameId, double validationShare) {
    int hash = frameId.hashCode() * 0x9E3779B9;
    hash ^= hash >>> 15;
    return Math.floorMod(hash, SHARE_STEPS) < validationShare * SHARE_STEPS
        ? Usage.VALIDATION
        : Usage.TRAINING;
  }
}
