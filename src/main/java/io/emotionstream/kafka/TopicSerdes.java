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
import io.emotionstream.kafka.registry.SchemaRegistry;
import io.emotionstream.kafka.registry.SchemaRegistryClient;
import io.emotionstream.kafka.serde.AvroSerde;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The one place that pairs every topic's value type with its serde; keys are plain UTF-8 strings on
 * every topic, so any client reads them without a registry. One registry is shared, so a schema is
 * registered and an id fetched once per process; tests without a broker pass an in-memory one.
 */
public final class TopicSerdes {
  private final SchemaRegistry registry;
  private final Serde<String> keys = Serdes.String();

  public TopicSerdes(SchemaRegistry registry) {
    this.registry = registry;
  }

  /**
   * Serdes talking to the registry the settings name, with their client properties (basic auth,
   * TLS).
   */
  public static TopicSerdes connect(ConnectionSettings settings) {
    return new TopicSerdes(
        new SchemaRegistryClient(settings.registryUrl(), settings.clientProperties()));
  }

  public SchemaRegistry registry() {
    return registry;
  }

  public Serde<String> keys() {
    return keys;
  }

  public Serde<TrainingExample> trainingExamples() {
    return AvroSerde.of(registry, TrainingExample.class);
  }

  public Serde<FaceFrame> frames() {
    return AvroSerde.of(registry, FaceFrame.class);
  }

  public Serde<SceneFrame> scenes() {
    return AvroSerde.of(registry, SceneFrame.class);
  }

  public Serde<EmotionEvent> events() {
    return AvroSerde.of(registry, EmotionEvent.class);
  }

  public Serde<ModelCheckpoint> checkpoints() {
    return AvroSerde.of(registry, ModelCheckpoint.class);
  }

  public Serde<ServingState> servingStates() {
    return AvroSerde.of(registry, ServingState.class);
  }

  public Serde<ControlCommand> commands() {
    return AvroSerde.of(registry, ControlCommand.class);
  }

  public Serde<AccuracyReport> accuracyReports() {
    return AvroSerde.of(registry, AccuracyReport.class);
  }

  public Serde<TrainingStatus> trainingStatuses() {
    return AvroSerde.of(registry, TrainingStatus.class);
  }

  public Serde<DeadLetter> deadLetters() {
    return AvroSerde.of(registry, DeadLetter.class);
  }
}
