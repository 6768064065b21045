package io.emotionstream.monitor;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.avro.Hyperparameters;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Records of the kinds the monitor reads, as the classifier and trainer would write them, and a way
 * to publish them.
 */
final class MonitorRecords {
  private MonitorRecords() {}

  static AccuracyReport accuracy(long version, Instant windowStart, long total, long correct) {
    List<Double> recalls = new ArrayList<>(Collections.nCopies(7, (Double) null));
    List<List<Long>> confusion = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      confusion.add(new ArrayList<>(Collections.nCopies(7, 0L)));
    }
    return AccuracyReport.newBuilder()
        .setModelVersion(version)
        .setWindowStartMs(windowStart)
        .setWindowEndMs(windowStart.plusSeconds(60))
        .setTotal(total)
        .setCorrect(correct)
        .setAccuracy((double) correct / total)
        .setPerClassRecall(recalls)
        .setConfusion(confusion)
        .build();
  }

  static TrainingStatus status(
      String runId,
      RunState state,
      int epoch,
      int totalEpochs,
      Double loss,
      Double accuracy,
      Instant time) {
    return TrainingStatus.newBuilder()
        .setRunId(runId)
        .setState(state)
        .setEpoch(epoch)
        .setTotalEpochs(totalEpochs)
        .setTrainLoss(loss)
        .setTrainAccuracy(accuracy)
        .setValidationLoss(loss == null ? null : loss * 1.1)
        .setValidationAccuracy(accuracy == null ? null : accuracy * 0.95)
        .setExamplesPerSecond(1100.0)
        .setEtaSeconds((double) (totalEpochs - epoch) * 12)
        .setModelVersion(epoch > 0 ? (long) epoch : null)
        .setTimeMs(time)
        .build();
  }

  static EmotionEvent event(
      String frameId,
      Emotion emotion,
      float confidence,
      long version,
      Instant classified,
      Emotion label) {
    List<Float> probabilities = new ArrayList<>(Collections.nCopies(7, (1 - confidence) / 6));
    probabilities.set(emotion.ordinal(), confidence);
    return EmotionEvent.newBuilder()
        .setFrameId(frameId)
        .setSourceId("cam-1")
        .setEmotion(emotion)
        .setConfidence(confidence)
        .setProbabilities(probabilities)
        .setModelVersion(version)
        .setCaptureTimeMs(classified.minusMillis(20))
        .setClassifiedTimeMs(classified)
        .setLabel(label)
        .build();
  }

  static FaceFrame frame(String frameId, int width, int height, byte[] pixels) {
    return FaceFrame.newBuilder()
        .setFrameId(frameId)
        .setSourceId("cam-1")
        .setWidth(width)
        .setHeight(height)
        .setPixels(ByteBuffer.wrap(pixels))
        .setCaptureTimeMs(Instant.now())
        .build();
  }

  static ModelCheckpoint checkpoint(
      String modelName, long version, double validationAccuracy, Instant created) {
    Hyperparameters hyperparameters =
        Hyperparameters.newBuilder()
            .setEpochs(10)
            .setLearningRate(0.005)
            .setBatchSize(128)
            .setOptimizer("adam")
            .setMomentum(0.9)
            .setWeightDecay(0)
            .setDropout(0.5)
            .setLoss("cross-entropy")
            .setSeed(7)
            .build();
    return ModelCheckpoint.newBuilder()
        .setModelName(modelName)
        .setVersion(version)
        .setRunId("run-" + version)
        .setEpoch(10)
        .setTotalEpochs(10)
        .setArchitecture("deep-emotion")
        .setArchitectureVersion(1)
        .setHyperparameters(hyperparameters)
        .setTrainLoss(0.9)
        .setTrainAccuracy(0.7)
        .setValidationLoss(1.0)
        .setValidationAccuracy(validationAccuracy)
        .setWeights(ByteBuffer.wrap(new byte[4096]))
        .setSha256("00")
        .setCreatedTimeMs(created)
        .build();
  }

  /** Sends records to one topic and waits until the broker has them all. */
  static <V> void publish(
      ConnectionSettings connection,
      String topic,
      Serializer<V> values,
      List<V> records,
      java.util.function.Function<V, String> key) {
    TopicSerdes serdes = TopicSerdes.connect(connection);
    try (KafkaProducer<String, V> producer =
        new KafkaProducer<>(
            connection.clientConfig(Map.of()), serdes.keys().serializer(), values)) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (V record : records) {
        sent.add(producer.send(new ProducerRecord<>(topic, key.apply(record), record)));
      }
      for (var future : sent) {
        future.get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not publish to " + topic, e);
    }
  }

  static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }
}
