package io.emotionstream.classifier;

import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.TopicSpec;
import io.emotionstream.kafka.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
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
 *
 * <pre>
 * frames ─► classify (micro-batches: served model, candidate in shadow) ─┬─► events
 *                ▲                                                        ├─► dead-letters
 *   checkpoints, serving (global tables: latest per model name)           ├─► scores by model version ─► rolling accuracy ─► accuracy
 *                ▲                                                        ├─► labelled live frames ─► deduplicate ─► training
 *                │                                                        └─► comparisons ─┐
 *             serving ◄── promotion (one task) ◄── control ◄───────────────────────────────┘
 * </pre>
 */
public final class ClassifierTopology {
  /** The stage named in the dead letter of a frame that cannot be classified. */
  public static final String FRAME_STAGE = "classify";

  static final String UNCLASSIFIED_STORE = "unclassified-offsets";
  static final String CHECKPOINT_STORE = "latest-checkpoints";
  static final String SERVING_STORE = "serving-states";
  static final String DECISIONS_STORE = "serving-decisions";
  static final String SCORES_STORE = "candidate-scores";
  static final String LIVE_FRAME_IDS_STORE = "live-frame-ids";
  static final String ACCURACY_STORE = "accuracy-slices";
  static final String ACCURACY_CLOSED_STORE = "accuracy-closed-through";

  private ClassifierTopology() {}

  public static Topology build(
      ClassifierSettings settings,
      Topics topics,
      TopicSerdes serdes,
      ServingModels models,
      ClassifierMetrics metrics) {
    StreamsBuilder builder = new StreamsBuilder();
    Serde<String> keys = serdes.keys();

    // In memory: every instance holds each served model's latest checkpoint (a few hundred KB).
    builder.globalTable(
        topics.checkpoints(),
        Consumed.with(keys, Serdes.ByteArray()),
        Materialized.<String, byte[]>as(Stores.inMemoryKeyValueStore(CHECKPOINT_STORE))
            .withKeySerde(keys)
            .withValueSerde(Serdes.ByteArray()));
    // In memory: the latest decision, with the served checkpoint (and the one served before)
    // inside.
    builder.globalTable(
        topics.serving(),
        Consumed.with(keys, Serdes.ByteArray()),
        Materialized.<String, byte[]>as(Stores.inMemoryKeyValueStore(SERVING_STORE))
            .withKeySerde(keys)
            .withValueSerde(Serdes.ByteArray()));
    // Cached: however many frames a commit interval saw, the commit flushes the range's last value
    // only.
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(UNCLASSIFIED_STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withCachingEnabled());

    // Frames arrive as raw bytes so that an unreadable payload becomes a dead letter, not a crash.
    KStream<String, ClassifierOutput> outputs =
        builder.stream(topics.frames(), Consumed.with(keys, Serdes.ByteArray()))
            .process(
                () ->
                    new FrameBatcher(
                        settings,
                        topics.frames(),
                        topics.checkpoints(),
                        topics.serving(),
                        keys.deserializer(),
                        serdes.frames().deserializer(),
                        models,
                        metrics),
                Named.as("classify"),
                UNCLASSIFIED_STORE);

    outputs
        .filter((key, out) -> out instanceof ClassifierOutput.Classified, Named.as("events"))
        .mapValues(out -> ((ClassifierOutput.Classified) out).event())
        .to(topics.events(), Produced.with(keys, serdes.events()));

    routeRefusals(outputs, "refusals", topics, serdes);

    // Not merged with the outputs above: a merge would make the promotion task one of the frames'
    // tasks.
    KStream<String, ClassifierOutput> decided =
        promotion(builder, settings, topics, serdes, models, metrics, outputs);
    decided
        .filter((key, out) -> out instanceof ClassifierOutput.Decided, Named.as("decisions"))
        .mapValues(out -> ((ClassifierOutput.Decided) out).state())
        .to(topics.serving(), Produced.with(keys, serdes.servingStates()));
    routeRefusals(decided, "promotion-refusals", topics, serdes);

    if (settings.liveLearning().enabled()) {
      Duration window = settings.liveLearning().dedupWindow();
      builder.addStateStore(
          Stores.windowStoreBuilder(
              Stores.persistentWindowStore(
                  LIVE_FRAME_IDS_STORE, window.multipliedBy(2), window.multipliedBy(2), false),
              Serdes.String(),
              Serdes.Long()));
      outputs
          .filter(
              (key, out) -> out instanceof ClassifierOutput.Learned,
              Named.as("labelled-live-frames"))
          .mapValues(out -> (ClassifierOutput.Learned) out)
          .process(
              () -> new LiveExamples(settings.liveLearning(), LIVE_FRAME_IDS_STORE),
              Named.as("learn-from-live"),
              LIVE_FRAME_IDS_STORE)
          .to(topics.training(), Produced.with(keys, serdes.trainingExamples()));
    }

    // Cached: the scores of a commit interval reach the changelog as one record of their slice, in
    // the same
    // transaction as the offsets. In memory: a handful of slices a version, restored from the
    // changelog.
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(ACCURACY_STORE),
                AccuracySlice.serde(),
                SliceCounts.serde())
            .withCachingEnabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(ACCURACY_CLOSED_STORE), Serdes.String(), Serdes.Long()));
    AccuracyWindows windows = AccuracyWindows.of(settings);
    // Keyed by model version: the repartition brings every score of a version to one task. Its
    // topic's name
    // must stay as it is: scores in flight in it when an instance is upgraded are read by the new
    // one.
    outputs
        .filter((key, out) -> out instanceof ClassifierOutput.Scored, Named.as("scores"))
        .mapValues(out -> (ClassifierOutput.Scored) out)
        .repartition(
            Repartitioned.<String, ClassifierOutput.Scored>as("scores-by-model-version")
                .withKeySerde(keys)
                .withValueSerde(scoredSerde()))
        .process(
            () -> new RollingAccuracy(windows, ACCURACY_STORE, ACCURACY_CLOSED_STORE),
            Named.as("rolling-accuracy"),
            ACCURACY_STORE,
            ACCURACY_CLOSED_STORE)
        .to(topics.accuracy(), Produced.with(keys, serdes.accuracyReports()));

    return builder.build();
  }

  /**
   * The promotion task: the control topic and the batches' comparisons, both of one partition, into
   * one task that decides what is served.
   */
  private static KStream<String, ClassifierOutput> promotion(
      StreamsBuilder builder,
      ClassifierSettings settings,
      Topics topics,
      TopicSerdes serdes,
      ServingModels models,
      ClassifierMetrics metrics,
      KStream<String, ClassifierOutput> outputs) {
    Serde<String> keys = serdes.keys();
    // The decision holds up to two checkpoints: its changelog takes records as large as the serving
    // topic does.
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(DECISIONS_STORE),
                Serdes.String(),
                serdes.servingStates())
            .withLoggingEnabled(
                Map.of("max.message.bytes", String.valueOf(TopicSpec.MAX_RECORD_BYTES))));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(SCORES_STORE), Serdes.String(), CandidateScore.serde())
            .withCachingEnabled());

    // A new application starts at the control topic's end: commands sent to an earlier deployment
    // are not its own.
    KStream<String, PromotionJudge.Input> commands =
        builder.stream(
                topics.control(),
                Consumed.with(keys, Serdes.ByteArray())
                    .withOffsetResetPolicy(AutoOffsetReset.latest()))
            .mapValues(
                value -> (PromotionJudge.Input) new PromotionJudge.Input.Command(value),
                Named.as("commands"));
    KStream<String, PromotionJudge.Input> comparisons =
        outputs
            .filter((key, out) -> out instanceof ClassifierOutput.Compared, Named.as("comparisons"))
            .mapValues(out -> (ClassifierOutput.Compared) out)
            .repartition(
                Repartitioned.<String, ClassifierOutput.Compared>as("comparisons-by-model-name")
                    .withKeySerde(keys)
                    .withValueSerde(comparedSerde())
                    .withNumberOfPartitions(1))
            .mapValues(
                compared -> (PromotionJudge.Input) new PromotionJudge.Input.Comparison(compared));
    return commands
        .merge(comparisons, Named.as("promotion-inputs"))
        .process(
            () ->
                new PromotionJudge(
                    settings,
                    topics.checkpoints(),
                    serdes.checkpoints().deserializer(),
                    serdes.commands().deserializer(),
                    models,
                    metrics),
            Named.as("promotion"),
            DECISIONS_STORE,
            SCORES_STORE);
  }

  /** Five numbers: candidate and served versions, frames, and each one's correct predictions. */
  private static Serde<ClassifierOutput.Compared> comparedSerde() {
    return Serdes.serdeFrom(
        (topic, batch) ->
            ByteBuffer.allocate(2 * Long.BYTES + 3 * Integer.BYTES)
                .putLong(batch.candidateVersion())
                .putLong(batch.servingVersion())
                .putInt(batch.frames())
                .putInt(batch.candidateCorrect())
                .putInt(batch.servingCorrect())
                .array(),
        (topic, bytes) -> {
          ByteBuffer in = ByteBuffer.wrap(bytes);
          return new ClassifierOutput.Compared(
              in.getLong(), in.getLong(), in.getInt(), in.getInt(), in.getInt());
        });
  }

  private static void routeRefusals(
      KStream<String, ClassifierOutput> outputs, String name, Topics topics, TopicSerdes serdes) {
    outputs
        .filter((key, out) -> out instanceof ClassifierOutput.Refused, Named.as(name))
        .mapValues(out -> ((ClassifierOutput.Refused) out).letter())
        .to(topics.deadLetters(), Produced.with(serdes.keys(), serdes.deadLetters()));
  }

  /** Two bytes: true class, predicted class. */
  private static Serde<ClassifierOutput.Scored> scoredSerde() {
    return Serdes.serdeFrom(
        (topic, score) -> new byte[] {(byte) score.actual(), (byte) score.predicted()},
        (topic, bytes) -> new ClassifierOutput.Scored(bytes[0], bytes[1]));
  }
}
