package io.emotionstream.trainer;

import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicScan;
import io.emotionstream.kafka.TopicSerdes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the checkpoints topic holds for one model: its highest version, and the last checkpoint of
 * each run the trainer is to resume. It keeps its place on the topic, so {@link #catchUp} takes in
 * what was committed since, by this trainer or by anyone else (a model file published with {@code
 * emotion publish-checkpoint}). Other runs' checkpoints are not kept: each holds the weights and
 * the optimizer's state, and a trainer retraining every few minutes would otherwise hold them all
 * for as long as it runs.
 */
final class CheckpointHistory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointHistory.class);

  private final KafkaConsumer<String, ModelCheckpoint> consumer;
  private final String modelName;
  private ModelCheckpoint latest;
  private final Set<String> runsToResume;
  private final Map<String, ModelCheckpoint> lastOfRun = new HashMap<>();

  private CheckpointHistory(
      KafkaConsumer<String, ModelCheckpoint> consumer, String modelName, Set<String> runsToResume) {
    this.consumer = consumer;
    this.modelName = modelName;
    this.runsToResume = new HashSet<>(runsToResume);
  }

  /**
   * Reads the topic from its beginning up to now; close it when done.
   *
   * @param runsToResume the runs whose last checkpoint {@link #takeLastOfRun} is to give
   */
  static CheckpointHistory read(
      ConnectionSettings settings, TopicSerdes serdes, String modelName, Set<String> runsToResume) {
    CheckpointHistory history =
        new CheckpointHistory(
            TopicScan.atBeginning(
                settings,
                settings.topics().checkpoints(),
                serdes.keys().deserializer(),
                serdes.checkpoints().deserializer()),
            modelName,
            runsToResume);
    try {
      history.catchUp();
      return history;
    } catch (RuntimeException e) {
      history.close();
      throw e;
    }
  }

  /**
   * Takes in the checkpoints committed since the last read, up to the topic's end of the moment.
   */
  void catchUp() {
    TopicScan.readToEnd(
        consumer,
        record -> {
          if (record.value() != null && modelName.equals(record.value().getModelName())) {
            add(record.value());
          }
        },
        unreadable -> LOG.warn("ignoring {}", unreadable.describe()));
  }

  void add(ModelCheckpoint checkpoint) {
    if (latest == null || checkpoint.getVersion() > latest.getVersion()) {
      latest = checkpoint;
    }
    if (runsToResume.contains(checkpoint.getRunId())) {
      lastOfRun.merge(
          checkpoint.getRunId(),
          checkpoint,
          (old, now) -> now.getEpoch() >= old.getEpoch() ? now : old);
    }
  }

  /** 0 when the model has no checkpoint yet. */
  long latestVersion() {
    return latest == null ? 0 : latest.getVersion();
  }

  Optional<ModelCheckpoint> latest() {
    return Optional.ofNullable(latest);
  }

  /** The last checkpoint of a run to resume, once: from then on the run's own state carries it. */
  Optional<ModelCheckpoint> takeLastOfRun(String runId) {
    runsToResume.remove(runId);
    return Optional.ofNullable(lastOfRun.remove(runId));
  }

  @Override
  public void close() {
    consumer.close();
  }
}
