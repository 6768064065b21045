package io.emotionstream.trainer;

import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the checkpoints topic holds for one model: its highest version and each run's last checkpoint. */
final class CheckpointHistory {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointHistory.class);

  private ModelCheckpoint latest;
  private final Map<String, ModelCheckpoint> lastOfRun = new HashMap<>();

  static CheckpointHistory read(ConnectionSettings settings, TopicSerdes serdes, String modelName) {
    CheckpointHistory history = new CheckpointHistory();
    TopicScan.readAll(settings, settings.topics().checkpoints(), serdes.keys().deserializer(),
        serdes.checkpoints().deserializer(),
        record -> {
          if (record.value() != null && modelName.equals(record.value().getModelName())) {
            history.add(record.value());
          }
        },
        unreadable -> LOG.warn("ignoring {}", unreadable.describe()));
    return history;
  }

  void add(ModelCheckpoint checkpoint) {
    if (latest == null || checkpoint.getVersion() > latest.getVersion()) {
      latest = checkpoint;
    }
    lastOfRun.merge(checkpoint.getRunId(), checkpoint,
        (old, now) -> now.getEpoch() >= old.getEpoch() ? now : old);
  }

  /** 0 when the model has no checkpoint yet. */
  long latestVersion() {
    return latest == null ? 0 : latest.getVersion();
  }

  Optional<ModelCheckpoint> latest() {
    return Optional.ofNullable(latest);
  }

  Optional<ModelCheckpoint> lastOfRun(String runId) {
    return Optional.ofNullable(lastOfRun.get(runId));
  }
}
