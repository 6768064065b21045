package io.emotionstream.kafka;

import io.emotionstream.avro.AccuracyReport;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.SceneFrame;
import io.emotionstream.avro.ServingState;
import io.emotionstream.avro.TrainingExample;
import io.emotionstream.avro.TrainingStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The names of the product's topics. Every name is the prefix (default {@code emotion.}) plus a
 * fixed suffix, so one cluster can hold several independent deployments.
 */
public final class Topics {
  public static final String DEFAULT_PREFIX = "emotion.";
  public static final Duration SCENE_RETENTION = Duration.ofHours(1);

  private final String prefix;

  public Topics(String prefix) {
    if (prefix == null || prefix.isBlank()) {
      throw new IllegalArgumentException("topic prefix must not be empty");
    }
    this.prefix = prefix;
  }

  public static Topics standard() {
    return new Topics(DEFAULT_PREFIX);
  }

  public String prefix() {
    return prefix;
  }

  public String training() {
    return prefix + "training";
  }

  public String frames() {
    return prefix + "frames";
  }

  public String scenes() {
    return prefix + "scenes";
  }

  public String events() {
    return prefix + "events";
  }

  public String checkpoints() {
    return prefix + "checkpoints";
  }

  public String serving() {
    return prefix + "serving";
  }

  public String control() {
    return prefix + "control";
  }

  public String accuracy() {
    return prefix + "accuracy";
  }

  public String trainerStatus() {
    return prefix + "trainer-status";
  }

  public String deadLetters() {
    return prefix + "dead-letters";
  }

  /** Every topic of the product, with what distinguishes it from the defaults. */
  public List<TopicSpec> all(int partitions, short replication) {
    return List.of(
        TopicSpec.deleted(training(), partitions, replication),
        TopicSpec.deleted(frames(), partitions, replication),
        TopicSpec.deleted(events(), partitions, replication),
        // Whole video frames, only for viewers that draw on them: kept an hour, not the week of the
        // rest.
        TopicSpec.shortLived(scenes(), partitions, replication, SCENE_RETENTION),
        // Compacted: a consumer starting later still finds the latest model of every name.
        TopicSpec.compacted(checkpoints(), 1, replication),
        // Compacted: every classifier instance, started at any time, serves what the latest
        // decision says.
        TopicSpec.compacted(serving(), 1, replication),
        // One partition: commands are applied in the order they were sent.
        TopicSpec.deleted(control(), 1, replication),
        TopicSpec.deleted(accuracy(), partitions, replication),
        TopicSpec.deleted(trainerStatus(), 1, replication),
        TopicSpec.deleted(deadLetters(), partitions, replication));
  }

  /** The Avro schema of every topic's values, in the order of {@link #all}. */
  public Map<String, Schema> valueSchemas() {
    Map<String, Schema> schemas = new LinkedHashMap<>();
    schemas.put(training(), TrainingExample.getClassSchema());
    schemas.put(frames(), FaceFrame.getClassSchema());
    schemas.put(events(), EmotionEvent.getClassSchema());
    schemas.put(scenes(), SceneFrame.getClassSchema());
    schemas.put(checkpoints(), ModelCheckpoint.getClassSchema());
    schemas.put(serving(), ServingState.getClassSchema());
    schemas.put(control(), ControlCommand.getClassSchema());
    schemas.put(accuracy(), AccuracyReport.getClassSchema());
    schemas.put(trainerStatus(), TrainingStatus.getClassSchema());
    schemas.put(deadLetters(), DeadLetter.getClassSchema());
    return schemas;
  }
}
