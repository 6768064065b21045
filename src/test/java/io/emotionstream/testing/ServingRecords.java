package io.emotionstream.testing;

import io.emotionstream.avro.Hyperparameters;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.PromotionPolicy;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.avro.ServingState;
import io.emotionstream.control.ModelNames;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Serving decisions as the classifiers' promotion task writes them to the serving topic, so a test
 * can play the classifier. Their checkpoints carry no model: nothing here loads one.
 */
public final class ServingRecords {
  /** What every weight byte is: a run of them in any output means the weights leaked into it. */
  public static final byte WEIGHT_BYTE = 'Z';

  /** When every checkpoint here was taken. */
  public static final Instant TAKEN = Instant.parse("2026-12-01T09:30:00Z");

  private ServingRecords() {}

  /**
   * Version {@code version} of the default model, from run {@code run-<version>}, with 64 KB of
   * weights.
   */
  public static ModelCheckpoint checkpoint(long version, double validationAccuracy) {
    byte[] weights = new byte[64 * 1024];
    Arrays.fill(weights, WEIGHT_BYTE);
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
        .setModelName(ModelNames.DEFAULT)
        .setVersion(version)
        .setRunId("run-" + version)
        .setEpoch(10)
        .setTotalEpochs(10)
        .setArchitecture("deep-emotion")
        .setArchitectureVersion(1)
        .setHyperparameters(hyperparameters)
        .setValidationAccuracy(validationAccuracy)
        .setWeights(ByteBuffer.wrap(weights))
        .setSha256("not checked")
        .setCreatedTimeMs(TAKEN)
        .build();
  }

  /** A decision under the GUARDED policy to serve {@code served}, nothing else filled in. */
  public static ServingState.Builder decision(
      ServingDecision decision, ModelCheckpoint served, String reason, Instant time) {
    return ServingState.newBuilder()
        .setModelName(served.getModelName())
        .setServing(served)
        .setPolicy(PromotionPolicy.GUARDED)
        .setDecision(decision)
        .setReason(reason)
        .setTimeMs(time);
  }

  /**
   * Publishes decisions keyed by model name, as the classifiers do, and waits until the broker has
   * them.
   */
  public static void publish(
      ConnectionSettings connection, TopicSerdes serdes, ServingState... states) {
    // Two checkpoints' weights can pass the default 1 MB request size of a producer.
    try (KafkaProducer<String, ServingState> producer =
        new KafkaProducer<>(
            connection.clientConfig(
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024)),
            serdes.keys().serializer(),
            serdes.servingStates().serializer())) {
      for (ServingState state : states) {
        producer
            .send(new ProducerRecord<>(connection.topics().serving(), state.getModelName(), state))
            .get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not publish to " + connection.topics().serving(), e);
    }
  }
}
