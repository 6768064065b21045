package io.emotionstream.bench.soak;

import static org.awaitility.Awaitility.await;

import io.emotionstream.cli.DurationConverter;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scripts/soak}: the whole pipeline as separate processes, as a deployment runs it — a
 * cluster, the trainer, the classifier, a producer streaming synthetic frames at a steady rate, and
 * a retraining every few minutes — with every service's memory sampled every ten seconds. At the
 * end: per service, memory at the end of the warm-up and at the end and its slope in between, and
 * frames sent against events plus dead letters read back.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description =
        "Runs the pipeline for MINUTES and reports whether each service's memory stays flat.")
public final class Soak implements Callable<Integer> {
  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);
  private static final Duration CATCH_UP = Duration.ofMinutes(3);

  @Parameters(
      index = "0",
      arity = "0..1",
      defaultValue = "30",
      paramLabel = "MINUTES",
      description = "How long frames are streamed (default ${DEFAULT-VALUE}).")
  double minutes;

  @Option(
      names = "--every",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "A RETRAIN this often, the first at the start (default ${DEFAULT-VALUE}); the first trains from "
              + "scratch, the next fine-tune and from scratch in turn; one due while the previous runs waits for it.")
  Duration every;

  @Option(
      names = "--warm-up",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description = "Memory figures and slopes start after this (default ${DEFAULT-VALUE}).")
  Duration warmUp;

  @Option(
      names = "--rate",
      defaultValue = "50",
      description = "Frames per second (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--epochs",
      defaultValue = "10",
      description = "Epochs of each training run (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--per-class",
      defaultValue = "500",
      description = "Synthetic training faces per emotion (default ${DEFAULT-VALUE}).")
  int perClass;

  @Option(
      names = "--nmt",
      description =
          "Run every service with native memory tracking: the JVM's own native "
              + "memory sampled too, and a diff of it from the warm-up's end to the end written per service.")
  boolean nativeTracking;

  @Option(
      names = "--out",
      description = "Folder for logs, samples.csv and summary.txt (default target/soak-TIME).")
  Path out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Soak()).execute(args));
  }

  /** The long-running services, started and ready, and where to reach them. */
  private record Pipeline(
      ConnectionSettings connection,
      Services.Service cluster,
      Services.Service trainer,
      Services.Service classifier,
      URI trainerMetrics,
      URI classifierMetrics) {
    List<Services.Service> services() {
      return List.of(cluster, trainer, classifier);
    }
  }

  @Override
  public Integer call() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    if (out == null) {
      out =
          root.resolve(
              "target/soak-"
                  + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
    Files.createDirectories(out);
    Duration length = Duration.ofMillis(Math.round(minutes * 60_000));
    System.out.printf(
        Locale.ROOT,
        "soak: %s at %.0f frames/s, RETRAIN (%d epochs, %d faces per emotion) every %s, "
            + "warm-up %s%s; logs and samples in %s%n",
        length,
        rate,
        epochs,
        perClass,
        every,
        warmUp,
        nativeTracking ? ", native memory tracking on" : "",
        out);
    Map<String, String> environment =
        nativeTracking ? Map.of("JAVA_TOOL_OPTIONS", "-XX:NativeMemoryTracking=summary") : Map.of();
    try (Services services = new Services(root, out, environment).stoppedWithThisJvm()) {
      Pipeline pipeline = start(services);
      try (Sampler sampler =
              new Sampler(
                  out.resolve("samples.csv"),
                  nativeTracking,
                  pipeline.trainerMetrics(),
                  pipeline.classifierMetrics());
          FrameAccounting accounting =
              new FrameAccounting(
                  pipeline.connection(), TopicSerdes.connect(pipeline.connection()))) {
        pipeline
            .services()
            .forEach(service -> sampler.watch(service.name(), service.process().pid()));
        Retraining retraining = new Retraining(services, epochs, every);
        streamFrames(services, sampler, retraining, pipeline, length);
        return report(pipeline, sampler, retraining, awaitBalanced(accounting));
      }
    }
  }

  /** The cluster, a training set in its topic, the trainer and the classifier, each ready. */
  private Pipeline start(Services services) throws Exception {
    Services.Service cluster =
        services.start(
            "cluster", "cluster", "--temporary", "--kafka-port", "0", "--registry-port", "0");
    ConnectionSettings connection =
        ConnectionSettings.of(
            services.awaitLine(cluster, "bootstrap servers:"),
            services.awaitLine(cluster, "registry url:"));
    services.setenv("EMOTION_BOOTSTRAP_SERVERS", connection.bootstrapServers());
    services.setenv("EMOTION_REGISTRY_URL", connection.registryUrl());
    Path csv = out.resolve("faces.csv");
    services.run(
        "synthesize",
        Duration.ofMinutes(5),
        "dataset",
        "synthesize",
        "--out",
        csv.toString(),
        "--per-class",
        String.valueOf(perClass),
        "--seed",
        "1");
    int trainerPort = freePort();
    int classifierPort = freePort();
    Services.Service trainer =
        services.start("trainer", "trainer", "--metrics-port", String.valueOf(trainerPort));
    Services.Service classifier =
        services.start(
            "classifier",
            "classifier",
            "--metrics-port",
            String.valueOf(classifierPort),
            "--state-dir",
            out.resolve("classifier-state").toString());
    services.run(
        "produce-training",
        Duration.ofMinutes(5),
        "produce",
        "training",
        "--csv",
        csv.toString(),
        "--quiet");
    services.awaitLine(trainer, "trainer of");
    services.awaitLine(classifier, "classifier");
    return new Pipeline(
        connection,
        cluster,
        trainer,
        classifier,
        metricsUri(trainerPort),
        metricsUri(classifierPort));
  }

  /**
   * Streams frames for {@code length}, the producer ending by itself, while samples are taken and
   * runs asked for; with native memory tracking, its baseline at the warm-up's end and its diff a
   * little before the end, while the producer still runs.
   */
  private void streamFrames(
      Services services, Sampler sampler, Retraining retraining, Pipeline pipeline, Duration length)
      throws Exception {
    long frames = Math.round(rate * length.toMillis() / 1000.0);
    ScheduledExecutorService schedule = Executors.newScheduledThreadPool(2);
    long start = System.nanoTime();
    Services.Service producer =
        services.start(
            "producer",
            "produce",
            "frames",
            "--synthetic",
            "--rate",
            String.valueOf(rate),
            "--limit",
            String.valueOf(frames),
            "--source-id",
            "soak",
            "--quiet");
    sampler.watch(producer.name(), producer.process().pid());
    List<Services.Service> all = new ArrayList<>(pipeline.services());
    all.add(producer);
    try {
      schedule.scheduleAtFixedRate(
          () -> sampler.tick((System.nanoTime() - start) / 1e9),
          0,
          SAMPLE_EVERY.toMillis(),
          TimeUnit.MILLISECONDS);
      schedule.scheduleAtFixedRate(
          () -> retraining.tick((System.nanoTime() - start) / 1e9),
          0,
          SAMPLE_EVERY.toMillis(),
          TimeUnit.MILLISECONDS);
      if (nativeTracking) {
        schedule.schedule(
            () -> nativeMemory(sampler, all, "baseline"), warmUp.toMillis(), TimeUnit.MILLISECONDS);
        schedule.schedule(
            () -> nativeMemory(sampler, all, "summary.diff"),
            length.minus(SAMPLE_EVERY).toMillis(),
            TimeUnit.MILLISECONDS);
      }
      int produced = producer.process().awaitExit(length.plusMinutes(5));
      sampler.unwatch(producer.name());
      if (produced != 0) {
        throw new IllegalStateException(
            "the producer exited " + produced + ":\n" + producer.tail());
      }
    } finally {
      schedule.shutdownNow();
      schedule.awaitTermination(1, TimeUnit.MINUTES);
    }
    System.out.println("producer: " + producer.tail().lines().reduce((a, b) -> b).orElse(""));
  }

  /**
   * Prints and writes the summary; 0 when every frame came out once and no service or run failed.
   */
  private int report(
      Pipeline pipeline, Sampler sampler, Retraining retraining, FrameAccounting.Counts counts)
      throws IOException {
    List<String> summary = new ArrayList<>();
    summary.add(
        String.format(
            Locale.ROOT,
            "frames %,d = events %,d + dead letters %,d: %s",
            counts.frames(),
            counts.events(),
            counts.deadLetters(),
            counts.balanced() ? "yes" : "NO"));
    summary.add(retraining.describe());
    summary.add(String.format(Locale.ROOT, "memory after the warm-up (%s) to the end:", warmUp));
    summary.addAll(MemorySummary.lines(sampler.samples(), warmUp.toSeconds(), sampler.liveHeaps()));
    List<String> failures = new ArrayList<>(sampler.problems());
    pipeline.services().stream()
        .filter(service -> !service.process().isAlive())
        .forEach(
            service ->
                failures.add(
                    service.name()
                        + " ended during the soak (exit code "
                        + service.exitCode()
                        + "):\n"
                        + service.tail()));
    if (!failures.isEmpty()) {
      summary.add("problems:");
      summary.addAll(failures);
    }
    Files.write(out.resolve("summary.txt"), summary);
    System.out.println();
    summary.forEach(System.out::println);
    return counts.balanced() && failures.isEmpty() && retraining.noneFailed() ? 0 : 1;
  }

  /**
   * Waits for the classifier to account for every frame, reading the events it committed meanwhile.
   */
  private static FrameAccounting.Counts awaitBalanced(FrameAccounting accounting) {
    FrameAccounting.Counts[] latest = {accounting.count()};
    try {
      await()
          .atMost(CATCH_UP)
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                latest[0] = accounting.count();
                return latest[0].events() + latest[0].deadLetters() >= latest[0].frames();
              });
    } catch (ConditionTimeoutException e) {
      return latest[0];
    }
    // More than the frames would be a duplicate: give one to show up.
    return accounting.count();
  }

  private void nativeMemory(Sampler sampler, List<Services.Service> services, String command) {
    for (Services.Service service : services) {
      try {
        String report = sampler.nativeMemory(service.name(), command);
        if (command.equals("summary.diff")) {
          Files.writeString(out.resolve("nmt-" + service.name() + ".txt"), report);
        }
      } catch (IOException e) {
        System.out.println(
            "native memory " + command + " of " + service.name() + ": " + e.getMessage());
      }
    }
  }

  private static URI metricsUri(int port) {
    return URI.create("http://127.0.0.1:" + port + "/metrics");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
