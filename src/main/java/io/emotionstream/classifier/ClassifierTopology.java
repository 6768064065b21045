package io.emotionstream.classifier;

import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The classifier as one Kafka Streams topology, a pure function of its settings:
 * <pre>
 * frames ─► classify (micro-batches, hot-swapped model) ─┬─► events
 *                ▲                                        ├─► dead-letters
 *   checkpoints (global table: latest per model name)     └─► scores by model version ─► rolling accuracy ─► accuracy
 * </pre>
 */
public final class ClassifierTopology {
  /** The stage named in the dead letter of a frame that cannot be classified. */
  public static final String FRAME_STAGE = "classify";

  static final String UNCLASSIFIED_STORE = "unclassified-offsets";
  static final String CHECKPOINT_STORE = "latest-checkpoints";
  static final String ACCURACY_STORE = "accuracy-slices";
  static final String ACCURACY_CLOSED_STORE = "accuracy-closed-through";

  private ClassifierTopology() {}

  public static Topology build(ClassifierSettings settings, Topics topics, TopicSerdes serdes, ServingModels models,
      ClassifierMetrics metrics) {
    StreamsBuilder builder = new StreamsBuilder();
    Serde<String> keys = serdes.keys();

    // In memory: every instance holds each served model's latest checkpoint (a few hundred KB).
    builder.globalTable(topics.checkpoints(), Consumed.with(keys, Serdes.ByteArray()),
        Materialized.<String, byte[]>as(Stores.inMemoryKeyValueStore(CHECKPOINT_STORE))
            .withKeySerde(keys).withValueSerde(Serdes.ByteArray()));
    // Cached: however many frames a commit interval saw, the commit flushes the range's last value only.
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(UNCLASSIFIED_STORE), Serdes.String(), Serdes.ByteArray()).withCachingEnabled());

    // Frames arrive as raw bytes so that an unreadable payload becomes a dead letter, not a crash.
    KStream<String, ClassifierOutput> outputs = builder
        .stream(topics.frames(), Consumed.with(keys, Serdes.ByteArray()))
        .process(() -> new FrameBatcher(settings, topics.frames(), topics.checkpoints(), CHECKPOINT_STORE,
            keys.deserializer(), serdes.frames().deserializer(), models, metrics), Named.as("classify"),
            UNCLASSIFIED_STORE);

    outputs.filter((key, out) -> out instanceof ClassifierOutput.Classified, Named.as("events"))
        .mapValues(out -> ((ClassifierOutput.Classified) out).event())
        .to(topics.events(), Produced.with(keys, serdes.events()));

    outputs.filter((key, out) -> out instanceof ClassifierOutput.Refused, Named.as("refusals"))
        .mapValues(out -> ((ClassifierOutput.Refused) out).letter())
        .to(topics.deadLetters(), Produced.with(keys, serdes.deadLetters()));

    // Cached: the scores of a commit interval reach the changelog as one record of their slice, in the same
    // transaction as the offsets. In memory: a handful of slices a version, restored from the changelog.
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ACCURACY_STORE),
        AccuracySlice.serde(), SliceCounts.serde()).withCachingEnabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ACCURACY_CLOSED_STORE),
        Serdes.String(), Serdes.Long()));
    AccuracyWindows windows = AccuracyWindows.of(settings);
    // Keyed by model version: the repartition brings every score of a version to one task. Its topic's name
    // must stay as it is: scores in flight in it when an instance is upgraded are read by the new one.
    outputs.filter((key, out) -> out instanceof ClassifierOutput.Scored, Named.as("scores"))
        .mapValues(out -> (ClassifierOutput.Scored) out)
        .repartition(Repartitioned.<String, ClassifierOutput.Scored>as("scores-by-model-version")
            .withKeySerde(keys).withValueSerde(scoredSerde()))
        .process(() -> new RollingAccuracy(windows, ACCURACY_STORE, ACCURACY_CLOSED_STORE),
            Named.as("rolling-accuracy"), ACCURACY_STORE, ACCURACY_CLOSED_STORE)
        .to(topics.accuracy(), Produced.with(keys, serdes.accuracyReports()));

    return builder.build();
  }

  /** Two bytes: true class, predicted class. */
  private static Serde<ClassifierOutput.Scored> scoredSerde() {
    return Serdes.serdeFrom(
        (topic, score) -> new byte[] {(byte) score.actual(), (byte) score.predicted()},
        (topic, bytes) -> new ClassifierOutput.Scored(bytes[0], bytes[1]));
  }
}
