package io.emotionstream.trainer;

import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.kafka.ClientConfig;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.TopicSpec;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Everything the trainer writes, in Kafka transactions: an epoch's status and checkpoint, and the
 * position on the control topic up to which commands have been applied, become visible together or
 * not at all. The transactional id is stable per model, so a new trainer fences an old one that is
 * still running (a zombie) and aborts whatever it left half-written.
 */
final class TrainerOutput implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final Serializer<TrainingStatus> statuses;
  private final Serializer<ModelCheckpoint> checkpoints;
  private final String statusTopic;
  private final String checkpointTopic;
  private final ConsumerGroupMetadata controlGroup;
  private final TrainerMetrics metrics;

  TrainerOutput(
      ConnectionSettings settings,
      TopicSerdes serdes,
      String transactionalId,
      String controlGroupId,
      TrainerMetrics metrics) {
    this.metrics = metrics;
    this.statuses = serdes.trainingStatuses().serializer();
    this.checkpoints = serdes.checkpoints().serializer();
    this.statusTopic = settings.topics().trainerStatus();
    this.checkpointTopic = settings.topics().checkpoints();
    this.controlGroup = new ConsumerGroupMetadata(controlGroupId);
    String why =
        "the trainer writes its statuses, checkpoints and control offsets in one transaction";
    this.producer =
        new KafkaProducer<>(
            ClientConfig.of(settings)
                .require(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId, why)
                .require(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, why)
                .require(ProducerConfig.ACKS_CONFIG, "all", why)
                .orDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicSpec.MAX_RECORD_BYTES)
                .values(),
            new StringSerializer(),
            new ByteArraySerializer());
    producer.initTransactions();
  }

  /**
   * Writes the records and the control position in one transaction.
   *
   * @param checkpoint null for none
   * @param controlPosition next control offset per partition, or empty to leave it
   */
  void commit(
      List<TrainingStatus> statusRecords,
      ModelCheckpoint checkpoint,
      Map<TopicPartition, Long> controlPosition) {
    producer.beginTransaction();
    try {
      if (checkpoint != null) {
        producer.send(
            new ProducerRecord<>(
                checkpointTopic,
                checkpoint.getModelName(),
                checkpoints.serialize(checkpointTopic, checkpoint)));
      }
      for (TrainingStatus status : statusRecords) {
        producer.send(
            new ProducerRecord<>(
                statusTopic, status.getRunId(), statuses.serialize(statusTopic, status)));
      }
      if (!controlPosition.isEmpty()) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new java.util.HashMap<>();
        controlPosition.forEach(
            (partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
        producer.sendOffsetsToTransaction(offsets, controlGroup);
      }
      producer.commitTransaction();
      statusRecords.forEach(metrics::recordCommitted);
    } catch (KafkaException e) {
      if (fenced(e)) {
        throw new FencedException(e);
      }
      try {
        producer.abortTransaction();
      } catch (KafkaException abortFailure) {
        if (fenced(abortFailure)) {
          throw new FencedException(abortFailure);
        }
        e.addSuppressed(abortFailure);
      }
      throw e;
    }
  }

  private static boolean fenced(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
        return true;
      }
    }
    return false;
  }

  /** Another trainer with the same transactional id has taken over: this one must stop. */
  static final class FencedException extends RuntimeException {
    FencedException(Throwable cause) {
      super("another trainer for this model has started and fenced this one", cause);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
