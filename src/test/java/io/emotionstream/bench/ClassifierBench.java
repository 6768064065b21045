package io.emotionstream.bench;

import ai.djl.Device;
import io.emotionstream.avro.EmotionEvent;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.classifier.ClassifierService;
import io.emotionstream.classifier.ClassifierSettings;
import io.emotionstream.classifier.DjlModelLoader;
import io.emotionstream.classifier.ProcessingGuarantee;
import io.emotionstream.data.SyntheticFaces;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.LocalCluster;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.model.CheckpointFile;
import io.emotionstream.model.EmotionPredictor;
import io.emotionstream.producer.FrameProducer;
import io.emotionstream.producer.RatePacer;
import io.emotionstream.producer.SyntheticFrames;
import io.emotionstream.testing.FreshTopics;
import io.emotionstream.testing.TestCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code scripts/bench classifier}: end-to-end frames/s and latency (produce → committed event)
 * through the embedded broker, beside the raw inference throughput of the same model at the same
 * batch size and Kafka's raw produce/consume rate for records of the same size, in one run; then
 * the latency under each processing guarantee at one rate, at-least-once at the demo's rate too,
 * the broker bytes each guarantee writes per frame, and the floor under the latency: what one hop
 * through the broker, one commit and one forward of the model cost on this machine.
 */
public final class ClassifierBench {
  private static final int BATCH = 64;
  private static final int WARM_UP_PASSES = 3;
  private static final int MAX_WARM_UP_PASSES = 8;

  /** The demo's frame rate ({@code emotion demo --frame-rate}). */
  private static final double DEMO_RATE = 20;

  /** A latency warm-up pass lasts this long at its rate; passes go on until the JIT has settled. */
  private static final Duration LATENCY_WARM_UP_PASS = Duration.ofSeconds(15);

  private static final int MAX_LATENCY_WARM_UP_PASSES = 8;

  /**
   * The JIT compilers' share of the CPU in a warm-up pass below which the code is taken as
   * compiled.
   */
  private static final double SETTLED_JIT_SHARE = 0.05;

  private static final Duration MEASURED_PASS = Duration.ofSeconds(30);

  public static void main(String[] args) throws Exception {
    int frames = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    Duration commitInterval = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 10);
    double requestedRate = args.length > 2 ? Double.parseDouble(args[2]) : 0;
    Duration maxDelay =
        args.length > 3
            ? Duration.ofMillis(Long.parseLong(args[3]))
            : ClassifierSettings.defaults().maxDelay();
    Path stateDir = Files.createTempDirectory("classifier-bench-");
    try (LocalCluster cluster = LocalCluster.start(LocalCluster.Settings.temporary())) {
      ConnectionSettings connection = cluster.connection();
      TopicSerdes serdes = TopicSerdes.connect(connection);
      ModelCheckpoint checkpoint = TestCheckpoints.deepEmotion(1, 7);
      ClassifierSettings settings =
          ClassifierSettings.defaults().withBatching(BATCH, maxDelay).withStateDirectory(stateDir);

      double kafka = rawKafka(connection, frames);

      TestCheckpoints.publish(connection, serdes, checkpoint);
      double endToEnd;
      double throughputJitShare;
      double inference;
      double rate;
      Latency exactlyOnce;
      try (ClassifierService classifier =
              ClassifierService.start(
                  connection,
                  settings
                      .withApplicationId("bench-" + UUID.randomUUID())
                      .withCommitInterval(commitInterval),
                  new DjlModelLoader(DjlModelLoader.DEFAULT_INFERENCE_THREADS));
          EventClock events = new EventClock(connection, serdes)) {
        warmUp(connection, serdes, events, frames);
        // Raw inference just before and just after the end-to-end run, in the same JVM (the
        // classifier
        // idle meanwhile): this machine's speed drifts within a minute, so the baseline is their
        // mean.
        double inferenceBefore = rawInference(checkpoint);
        ThreadCpu before = ThreadCpu.snapshot();
        endToEnd = throughput(connection, serdes, events, frames);
        ThreadCpu after = ThreadCpu.snapshot();
        String cpu = after.since(before);
        throughputJitShare = after.jitShare(before);
        double inferenceAfter = rawInference(checkpoint);
        inference = (inferenceBefore + inferenceAfter) / 2;
        System.out.printf(
            "raw inference, batch %d: %,.0f frames/s before, %,.0f after the end-to-end run%n",
            BATCH, inferenceBefore, inferenceAfter);
        System.out.printf(
            "end to end (produce -> classify -> committed event), commit interval %d ms: %,.0f frames/s%n"
                + "  %s%n",
            commitInterval.toMillis(), endToEnd, cpu);
        rate = requestedRate > 0 ? requestedRate : endToEnd / 2;
        exactlyOnce =
            latencyPasses(
                "exactly-once, commit interval " + commitInterval.toMillis() + " ms",
                connection,
                serdes,
                events,
                rate,
                true);
      }

      LatencyFloor floor = LatencyFloor.measure(connection, checkpoint);
      System.out.println(floor);

      // Topics of their own: a classifier with a new application id would otherwise start with
      // every frame
      // sent so far, and the events of the two would mix.
      ConnectionSettings fresh =
          FreshTopics.on(cluster, LocalCluster.Settings.temporary().partitions());
      TestCheckpoints.publish(fresh, serdes, checkpoint);
      ClassifierSettings atLeastOnceSettings =
          settings
              .withApplicationId("bench-" + UUID.randomUUID())
              .withProcessingGuarantee(ProcessingGuarantee.AT_LEAST_ONCE);
      Latency atLeastOnce;
      Latency demo;
      try (ClassifierService classifier =
              ClassifierService.start(
                  fresh,
                  atLeastOnceSettings,
                  new DjlModelLoader(DjlModelLoader.DEFAULT_INFERENCE_THREADS));
          EventClock events = new EventClock(fresh, serdes)) {
        String name =
            "at-least-once, commit interval "
                + atLeastOnceSettings.commitInterval().toMillis()
                + " ms";
        atLeastOnce = latencyPasses(name, fresh, serdes, events, rate, true);
        demo = latencyPasses(name, fresh, serdes, events, DEMO_RATE, false);
      }

      System.out.printf(
          "broker bytes written per classified frame, at %.0f frames/s: %s%n"
              + "  exactly-once: %s%n  at-least-once: %s (%.2f of exactly-once's)%n",
          rate,
          BrokerLogBytes.METHOD,
          exactlyOnce.bytes(),
          atLeastOnce.bytes(),
          atLeastOnce.bytes().bytes() / exactlyOnce.bytes().bytes());
      System.out.printf(
          "side by side, with their goals:%n"
              + "  end-to-end / raw inference %.2f (goal >= 0.80; JIT compilers %.0f%% of the CPU in that pass); "
              + "end-to-end / raw Kafka %.2f%n"
              + "  exactly-once at %.0f frames/s: p50 %d ms (goal < 20), p99 %d ms (goal < 50); floor %.1f ms, p50 %.1f ms "
              + "above it (of which the wait for the next commit, %.1f ms on average)%n"
              + "  at-least-once at %.0f frames/s: p50 %d ms, p99 %d ms (goal < 25); floor %.1f ms, p50 %.1f ms above it%n"
              + "  at-least-once at %.0f frames/s (the demo's rate): p50 %d ms (goal < 10), p99 %d ms; floor %.1f ms, p50 "
              + "%.1f ms above it%n"
              + "  JIT compilers' share of the CPU in the measured passes: %.0f%%, %.0f%%, %.0f%%%n",
          endToEnd / inference,
          100 * throughputJitShare,
          endToEnd / kafka,
          rate,
          exactlyOnce.p50(),
          exactlyOnce.p99(),
          floor.exactlyOnceMillis(),
          exactlyOnce.p50() - floor.exactlyOnceMillis(),
          commitInterval.toMillis() / 2.0,
          rate,
          atLeastOnce.p50(),
          atLeastOnce.p99(),
          floor.atLeastOnceMillis(),
          atLeastOnce.p50() - floor.atLeastOnceMillis(),
          DEMO_RATE,
          demo.p50(),
          demo.p99(),
          floor.atLeastOnceMillis(),
          demo.p50() - floor.atLeastOnceMillis(),
          100 * exactlyOnce.jitShare(),
          100 * atLeastOnce.jitShare(),
          100 * demo.jitShare());
    }
  }

  /**
   * One latency pass's figures: capture → read, p50 and p99, with what the pass wrote to the
   * broker.
   */
  private record Latency(long p50, long p99, double jitShare, BrokerLogBytes.PerFrame bytes) {}

  /**
   * Passes at {@code rate} until the JIT compilers have settled (or, if {@code warmUp} is false,
   * none: the code is compiled by then), then one measured pass. A classifier runs for hours; in a
   * first pass at a new rate the compilers took a quarter of the CPU.
   */
  private static Latency latencyPasses(
      String guarantee,
      ConnectionSettings connection,
      TopicSerdes serdes,
      EventClock events,
      double rate,
      boolean warmUp)
      throws Exception {
    int warmUpFrames = (int) Math.max(300, rate * LATENCY_WARM_UP_PASS.toSeconds());
    for (int pass = 1; warmUp && pass <= MAX_LATENCY_WARM_UP_PASSES; pass++) {
      ThreadCpu before = ThreadCpu.snapshot();
      long[] latency = latency(connection, serdes, events, rate, warmUpFrames);
      ThreadCpu after = ThreadCpu.snapshot();
      print(guarantee, rate, "warm-up " + pass, latency, after.since(before));
      if (after.jitShare(before) < SETTLED_JIT_SHARE) {
        break;
      }
    }
    int frames = (int) Math.max(500, rate * MEASURED_PASS.toSeconds());
    BrokerLogBytes bytesBefore = BrokerLogBytes.snapshot(connection);
    ThreadCpu before = ThreadCpu.snapshot();
    long[] latency = latency(connection, serdes, events, rate, frames);
    ThreadCpu after = ThreadCpu.snapshot();
    BrokerLogBytes.PerFrame bytes =
        BrokerLogBytes.snapshot(connection).since(bytesBefore, frames, connection.topics());
    print(guarantee, rate, "measured", latency, after.since(before));
    return new Latency(latency[0], latency[1], after.jitShare(before), bytes);
  }

  private static void print(
      String guarantee, double rate, String pass, long[] latency, String cpu) {
    System.out.printf(
        "%s: latency at %.0f frames/s (%s): p50 %d ms, p99 %d ms; of which until classified (sending, "
            + "batching, inference): p50 %d ms, p99 %d ms; from classified to read (commit, delivery): p50 %d ms, "
            + "p99 %d ms%n  %s%n",
        guarantee,
        rate,
        pass,
        latency[0],
        latency[1],
        latency[2],
        latency[3],
        latency[4],
        latency[5],
        cpu);
  }

  private static double rawInference(ModelCheckpoint checkpoint) throws Exception {
    byte[][] faces = new byte[BATCH][];
    Random random = new Random(1);
    for (int i = 0; i < BATCH; i++) {
      faces[i] = SyntheticFaces.face(io.emotionstream.avro.Emotion.values()[i % 7], random);
    }
    try (EmotionPredictor predictor =
        EmotionPredictor.of(CheckpointFile.fromRecord(checkpoint).weights(), Device.cpu(), BATCH)) {
      for (int i = 0; i < 20; i++) {
        predictor.predict(faces);
      }
      long start = System.nanoTime();
      long done = 0;
      while (System.nanoTime() - start < 5_000_000_000L) {
        predictor.predict(faces);
        done += BATCH;
      }
      return done / ((System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * Records of a frame's size through one producer, then one consumer, of the same broker, as
   * bytes; the slower of the two rates bounds any pipeline through that broker.
   */
  private static double rawKafka(ConnectionSettings connection, int records) {
    String topic = "raw-frames-" + UUID.randomUUID();
    byte[] value = new byte[2_400];
    new Random(2).nextBytes(value);
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            connection.clientConfig(Map.of("acks", "all", "linger.ms", 5, "batch.size", 262_144)),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(topic, value));
      }
    }
    double produced = records / ((System.nanoTime() - start) / 1e9);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            connection.clientConfig(Map.of()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<org.apache.kafka.common.TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new org.apache.kafka.common.TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      start = System.nanoTime();
      long consumed = 0;
      while (consumed < records) {
        consumed += consumer.poll(Duration.ofMillis(100)).count();
      }
    }
    double consumedRate = records / ((System.nanoTime() - start) / 1e9);
    System.out.printf(
        "raw Kafka, 2400-byte records: produce %,.0f records/s, consume %,.0f records/s%n",
        produced, consumedRate);
    return Math.min(produced, consumedRate);
  }

  /**
   * Full-speed passes until the JIT has compiled the pipeline: broker, clients, Streams and model
   * share this JVM, and the JIT compilers took ~40% of the CPU in the first pass and still ~20% in
   * the third. A classifier runs for hours; its steady state is what is measured, so passes go on
   * (at least {@value #WARM_UP_PASSES}) until the JIT's share is below {@value #SETTLED_JIT_SHARE},
   * as for latency.
   */
  private static void warmUp(
      ConnectionSettings connection, TopicSerdes serdes, EventClock events, int frames) {
    for (int pass = 1; pass <= MAX_WARM_UP_PASSES; pass++) {
      ThreadCpu before = ThreadCpu.snapshot();
      double rate = throughput(connection, serdes, events, frames);
      ThreadCpu after = ThreadCpu.snapshot();
      System.out.printf("warm-up pass %d: %,.0f frames/s%n  %s%n", pass, rate, after.since(before));
      if (pass >= WARM_UP_PASSES && after.jitShare(before) < SETTLED_JIT_SHARE) {
        return;
      }
    }
  }

  private static double throughput(
      ConnectionSettings connection, TopicSerdes serdes, EventClock events, int frames) {
    long before = events.total();
    long start = System.nanoTime();
    send(connection, serdes, frames, RatePacer.unlimited());
    events.awaitTotal(before + frames);
    return frames / ((System.nanoTime() - start) / 1e9);
  }

  private static long[] latency(
      ConnectionSettings connection, TopicSerdes serdes, EventClock events, double rate, int frames)
      throws Exception {
    long before = events.total();
    events.startRecording();
    // Events are read while frames are still being sent, or the wait would count as latency.
    java.util.concurrent.CompletableFuture<Void> sending =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> send(connection, serdes, frames, RatePacer.perSecond(rate)));
    events.awaitTotal(before + frames);
    sending.get();
    long[] total = percentiles(events.recorded());
    long[] classified = percentiles(events.recordedUntilClassified());
    long[] delivered = percentiles(events.recordedSinceClassified());
    return new long[] {
      total[0], total[1], classified[0], classified[1], delivered[0], delivered[1]
    };
  }

  /** p50 and p99. */
  private static long[] percentiles(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return new long[] {
      sorted[sorted.length / 2], sorted[(int) Math.ceil(sorted.length * 0.99) - 1]
    };
  }

  private static void send(
      ConnectionSettings connection, TopicSerdes serdes, int frames, RatePacer pacer) {
    try (FrameProducer producer = new FrameProducer(connection, serdes)) {
      producer.send(new SyntheticFramesCycle(), "bench-cam", pacer, frames, n -> {});
    }
  }

  /**
   * Pre-drawn synthetic faces, cycled: drawing faces is slower than sending them and must not be
   * measured.
   */
  private static final class SyntheticFramesCycle implements io.emotionstream.producer.FrameSource {
    private static final List<io.emotionstream.producer.FrameInput> FACES = new ArrayList<>();
    private int next;

    SyntheticFramesCycle() {
      synchronized (FACES) {
        if (FACES.isEmpty()) {
          SyntheticFrames source = new SyntheticFrames(3, 0.5);
          for (int i = 0; i < 256; i++) {
            FACES.add(source.next());
          }
        }
      }
    }

    @Override
    public boolean hasNext() {
      return true;
    }

    @Override
    public io.emotionstream.producer.FrameInput next() {
      return FACES.get(next++ % FACES.size());
    }

    @Override
    public void close() {}
  }

  /**
   * Counts committed events and, when asked, records each one's latency from capture to arrival
   * here.
   */
  private static final class EventClock implements AutoCloseable {
    private final KafkaConsumer<String, EmotionEvent> consumer;
    private final List<Long> latencies = new ArrayList<>();

    /** Of the latency, the part until the classifier stamped the event (batching and inference). */
    private final List<Long> untilClassified = new ArrayList<>();

    /**
     * The rest: forwarding, the exactly-once commit, transaction markers and this consumer's fetch.
     */
    private final List<Long> sinceClassified = new ArrayList<>();

    private boolean recording;
    private long total;

    EventClock(ConnectionSettings connection, TopicSerdes serdes) {
      consumer =
          new KafkaConsumer<>(
              connection.clientConfig(
                  Map.of(
                      ConsumerConfig.GROUP_ID_CONFIG,
                      "bench-events-" + UUID.randomUUID(),
                      ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                      "earliest",
                      ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                      "read_committed",
                      ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                      5)),
              serdes.keys().deserializer(),
              serdes.events().deserializer());
      consumer.subscribe(Set.of(connection.topics().events()));
    }

    long total() {
      return total;
    }

    void startRecording() {
      latencies.clear();
      untilClassified.clear();
      sinceClassified.clear();
      recording = true;
    }

    long[] recorded() {
      return latencies.stream().mapToLong(Long::longValue).toArray();
    }

    long[] recordedUntilClassified() {
      return untilClassified.stream().mapToLong(Long::longValue).toArray();
    }

    long[] recordedSinceClassified() {
      return sinceClassified.stream().mapToLong(Long::longValue).toArray();
    }

    void awaitTotal(long count) {
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (total < count) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("only " + total + " of " + count + " events arrived");
        }
        for (ConsumerRecord<String, EmotionEvent> record : consumer.poll(Duration.ofMillis(50))) {
          total++;
          if (recording) {
            long captured = record.value().getCaptureTimeMs().toEpochMilli();
            long classified = record.value().getClassifiedTimeMs().toEpochMilli();
            long now = System.currentTimeMillis();
            latencies.add(now - captured);
            untilClassified.add(classified - captured);
            sinceClassified.add(now - classified);
          }
        }
      }
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
