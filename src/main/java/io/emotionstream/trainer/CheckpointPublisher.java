package io.emotionstream.trainer;

import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.Sha256;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.model.DeepEmotion;
import io.emotionstream.model.EpochResult;
import io.emotionstream.model.Hyperparameters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The one place that builds {@link ModelCheckpoint} records and numbers them: versions continue from the
 * highest one on the checkpoints topic. The trainer sends what it builds inside its own transactions;
 * {@link #publishFile} sends a model file written by {@code emotion train}.
 */
public final class CheckpointPublisher {
  private final ConnectionSettings settings;
  private final TopicSerdes serdes;
  private final String modelName;
  private final CheckpointFormat format;
  private long lastVersion;

  private CheckpointPublisher(
      ConnectionSettings settings, TopicSerdes serdes, String modelName, CheckpointFormat format, long lastVersion) {
    this.settings = settings;
    this.serdes = serdes;
    this.modelName = modelName;
    this.format = format;
    this.lastVersion = lastVersion;
  }

  /** Reads the checkpoints topic to learn the last version of {@code modelName}. */
  public static CheckpointPublisher connect(
      ConnectionSettings settings, TopicSerdes serdes, String modelName, CheckpointFormat format) {
    return continuing(settings, serdes, modelName, format, CheckpointHistory.read(settings, serdes, modelName));
  }

  static CheckpointPublisher continuing(ConnectionSettings settings, TopicSerdes serdes, String modelName,
      CheckpointFormat format, CheckpointHistory history) {
    return new CheckpointPublisher(settings, serdes, modelName, format, history.latestVersion());
  }

  public String modelName() {
    return modelName;
  }

  public long lastVersion() {
    return lastVersion;
  }

  /** The version the next checkpoint will carry. */
  public long nextVersion() {
    return lastVersion + 1;
  }

  /** Marks {@link #nextVersion()} used, once the checkpoint carrying it is committed to the topic. */
  void versionPublished(long version) {
    lastVersion = Math.max(lastVersion, version);
  }

  /** A checkpoint of the next version holding {@code file}, a checkpoint file in {@link CheckpointFormat}. */
  public ModelCheckpoint build(String runId, Hyperparameters hyperparameters, byte[] file, EpochResult epoch) {
    return ModelCheckpoint.newBuilder()
        .setModelName(modelName)
        .setVersion(nextVersion())
        .setRunId(runId)
        .setEpoch(epoch == null ? hyperparameters.epochs() : epoch.epoch())
        .setTotalEpochs(epoch == null ? hyperparameters.epochs() : epoch.totalEpochs())
        .setArchitecture(DeepEmotion.ARCHITECTURE)
        .setArchitectureVersion(DeepEmotion.ARCHITECTURE_VERSION)
        .setHyperparameters(hyperparameters.toAvro())
        .setTrainLoss(epoch == null ? null : finite(epoch.trainLoss()))
        .setTrainAccuracy(epoch == null ? null : finite(epoch.trainAccuracy()))
        .setValidationLoss(epoch == null ? null : finite(epoch.validationLoss()))
        .setValidationAccuracy(epoch == null ? null : finite(epoch.validationAccuracy()))
        .setWeights(ByteBuffer.wrap(file))
        .setSha256(Sha256.hex(file))
        .setCreatedTimeMs(Instant.now())
        .build();
  }

  /**
   * Publishes a model file as the next version, after checking that it reads as a checkpoint.
   *
   * @return the checkpoint as sent
   */
  public ModelCheckpoint publishFile(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    CheckpointFormat.Contents contents;
    try {
      contents = format.decode(bytes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    ModelCheckpoint checkpoint = build("file:" + file.getFileName(), contents.hyperparameters(), bytes, null);
    try (KafkaProducer<String, ModelCheckpoint> producer = new KafkaProducer<>(
        settings.clientConfig(Map.of(ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024)),
        serdes.keys().serializer(), serdes.checkpoints().serializer())) {
      producer.send(new ProducerRecord<>(settings.topics().checkpoints(), modelName, checkpoint)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing " + file, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not publish " + file + ": " + e.getCause().getMessage(), e.getCause());
    }
    versionPublished(checkpoint.getVersion());
    return checkpoint;
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
