package io.emotionstream.bench.soak;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes a memory sample of every service at each tick, prints one line per service and appends it
 * to the CSV; the trainer's batches and the classifier's frames come from their metrics endpoints.
 */
final class Sampler implements AutoCloseable {
  private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(5);

  private final Map<String, Long> pids = new LinkedHashMap<>();
  private final Map<String, MemoryProbe> probes = new LinkedHashMap<>();
  private final List<Sample> samples = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final boolean nativeTracking;
  private final URI trainerMetrics;
  private final URI classifierMetrics;
  private final PrintWriter csv;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(SCRAPE_TIMEOUT).build();

  Sampler(Path csvFile, boolean nativeTracking, URI trainerMetrics, URI classifierMetrics)
      throws IOException {
    this.nativeTracking = nativeTracking;
    this.trainerMetrics = trainerMetrics;
    this.classifierMetrics = classifierMetrics;
    this.csv = new PrintWriter(Files.newBufferedWriter(csvFile, StandardCharsets.UTF_8), true);
    csv.println(Sample.CSV_HEADER);
  }

  /** Samples this service's JVM from the next tick on. */
  synchronized void watch(String service, long pid) {
    pids.put(service, pid);
  }

  /** Stops sampling a service that has ended, before its connection's watchdog complains of it. */
  synchronized void unwatch(String service) {
    pids.remove(service);
    MemoryProbe probe = probes.remove(service);
    if (probe != null) {
      probe.close();
    }
  }

  synchronized void tick(double seconds) {
    long batches = counter(trainerMetrics, "emotion_trainer_batches_total");
    long frames = counter(classifierMetrics, "emotion_classifier_frames_total");
    for (Map.Entry<String, Long> service : pids.entrySet()) {
      try {
        MemoryProbe probe = probes.get(service.getKey());
        if (probe == null) {
          probe = MemoryProbe.attach(service.getValue());
          probes.put(service.getKey(), probe);
        }
        Sample sample =
            new Sample(
                seconds,
                service.getKey(),
                service.getValue(),
                probe.read(nativeTracking),
                batches,
                frames);
        samples.add(sample);
        csv.println(sample.csvLine());
        System.out.println(sample.line());
      } catch (IOException | RuntimeException e) {
        problems.add(
            String.format("%.0f s: %s not sampled: %s", seconds, service.getKey(), e.getMessage()));
        System.out.println(problems.get(problems.size() - 1));
      }
    }
  }

  /** Per service still running, the Java heap it holds alive, after a full collection in it. */
  synchronized Map<String, Double> liveHeaps() {
    Map<String, Double> live = new LinkedHashMap<>();
    probes.forEach(
        (service, probe) -> {
          if (!ProcessHandle.of(pids.get(service)).map(ProcessHandle::isAlive).orElse(false)) {
            return;
          }
          try {
            live.put(service, probe.liveHeapMb());
          } catch (RuntimeException e) {
            problems.add(service + ": no live heap: " + e.getMessage());
          }
        });
    return live;
  }

  /**
   * jcmd's {@code VM.native_memory} of one service, such as {@code baseline} or {@code
   * summary.diff}.
   */
  synchronized String nativeMemory(String service, String... arguments) throws IOException {
    MemoryProbe probe = probes.get(service);
    if (probe == null) {
      throw new IOException(service + " was never sampled");
    }
    return probe.nativeMemory(arguments);
  }

  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  private long counter(URI endpoint, String series) {
    try {
      String body =
          http.send(
                  HttpRequest.newBuilder(endpoint).timeout(SCRAPE_TIMEOUT).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher value = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(body);
      return value.find() ? (long) Double.parseDouble(value.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Override
  public synchronized void close() {
    probes.values().forEach(MemoryProbe::close);
    csv.close();
  }
}
