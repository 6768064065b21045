package io.emotionstream.trainer;

import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.Sha256;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.TopicSpec;
import io.emotionstream.model.Checkpoint;
import io.emotionstream.model.CheckpointException;
import io.emotionstream.model.CheckpointFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The one place that builds {@link ModelCheckpoint} records and numbers them: versions continue
 * from the highest one on the checkpoints topic. The weights are the model package's {@link
 * CheckpointFile} bytes. The trainer sends what it builds inside its own transactions; {@link
 * #publishFile} sends a model file written by {@code emotion train}.
 */
public final class CheckpointPublisher {
  private final ConnectionSettings settings;
  private final TopicSerdes serdes;
  private final String modelName;
  private long lastVersion;

  private CheckpointPublisher(
      ConnectionSettings settings, TopicSerdes serdes, String modelName, long lastVersion) {
    this.settings = settings;
    this.serdes = serdes;
    this.modelName = modelName;
    this.lastVersion = lastVersion;
  }

  /** Reads the checkpoints topic to learn the last version of {@code modelName}. */
  public static CheckpointPublisher connect(
      ConnectionSettings settings, TopicSerdes serdes, String modelName) {
    try (CheckpointHistory history =
        CheckpointHistory.read(settings, serdes, modelName, Set.of())) {
      return continuing(settings, serdes, modelName, history);
    }
  }

  static CheckpointPublisher continuing(
      ConnectionSettings settings,
      TopicSerdes serdes,
      String modelName,
      CheckpointHistory history) {
    return new CheckpointPublisher(settings, serdes, modelName, history.latestVersion());
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

  /**
   * Marks {@code version} used, once a checkpoint carrying it is committed to the topic, by this
   * publisher or another: the next version is higher.
   */
  void versionPublished(long version) {
    lastVersion = Math.max(lastVersion, version);
  }

  /** A record of the next version carrying {@code checkpoint} as a checkpoint file. */
  public ModelCheckpoint build(String runId, Checkpoint checkpoint) {
    return build(runId, checkpoint, CheckpointFile.toBytes(checkpoint));
  }

  private ModelCheckpoint build(String runId, Checkpoint checkpoint, byte[] file) {
    return ModelCheckpoint.newBuilder()
        .setModelName(modelName)
        .setVersion(nextVersion())
        .setRunId(runId)
        .setEpoch(checkpoint.epoch())
        .setTotalEpochs(checkpoint.totalEpochs())
        .setArchitecture(checkpoint.architecture())
        .setArchitectureVersion(checkpoint.architectureVersion())
        .setHyperparameters(checkpoint.hyperparameters().toAvro())
        .setTrainLoss(finite(checkpoint.trainLoss()))
        .setTrainAccuracy(finite(checkpoint.trainAccuracy()))
        .setValidationLoss(finite(checkpoint.validationLoss()))
        .setValidationAccuracy(finite(checkpoint.validationAccuracy()))
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
    Checkpoint contents;
    try {
      contents = CheckpointFile.fromBytes(bytes);
    } catch (CheckpointException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    // Sent as read, byte for byte, so the file and the record carry the same SHA-256.
    ModelCheckpoint checkpoint = build("file:" + file.getFileName(), contents, bytes);
    try (KafkaProducer<String, ModelCheckpoint> producer =
        new KafkaProducer<>(
            settings.clientConfig(
                Map.of(
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                    TopicSpec.MAX_RECORD_BYTES)),
            serdes.keys().serializer(),
            serdes.checkpoints().serializer())) {
      producer
          .send(new ProducerRecord<>(settings.topics().checkpoints(), modelName, checkpoint))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing " + file, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not publish " + file + ": " + e.getCause().getMessage(), e.getCause());
    }
    versionPublished(checkpoint.getVersion());
    return checkpoint;
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
