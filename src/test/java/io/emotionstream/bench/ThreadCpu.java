package io.emotionstream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of this process's threads, native ones included (libtorch's OpenMP workers, the JIT
 * compilers), from Linux's /proc: what a JFR profile does not show. A bench takes a snapshot before
 * a phase and prints where the CPU went during it.
 */
final class ThreadCpu {
  private static final Path TASKS = Path.of("/proc/self/task");
  private static final Path PROCESS = Path.of("/proc/self/stat");

  /** USER_HZ, the unit of /proc's CPU times, is 100 on every Linux platform Java runs on. */
  private static final long MILLIS_PER_TICK = 10;

  private static final String JIT = "JIT compilers";

  private final Map<String, Long> millisByThread;

  /** The whole process's, which keeps the time of threads that have ended since. */
  private final long processMillis;

  private final long nanos = System.nanoTime();

  private ThreadCpu(Map<String, Long> millisByThread, long processMillis) {
    this.millisByThread = millisByThread;
    this.processMillis = processMillis;
  }

  static ThreadCpu snapshot() {
    Map<String, Long> millis = new HashMap<>();
    if (!Files.isDirectory(TASKS)) {
      return new ThreadCpu(millis, 0); // not Linux: nothing to report
    }
    try (Stream<Path> tasks = Files.list(TASKS)) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          millis.put(
              task.getFileName()
                  + " "
                  + stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
              cpuMillis(stat));
        } catch (NoSuchFileException e) {
          // the thread ended meanwhile
        }
      }
      return new ThreadCpu(millis, cpuMillis(Files.readString(PROCESS)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** pid (comm) state ...: utime and stime are fields 14 and 15, the 12th and 13th after comm. */
  private static long cpuMillis(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MILLIS_PER_TICK;
  }

  /**
   * One line: the groups of threads that used at least 1% of the CPU since {@code before}, busiest
   * first; threads that ended meanwhile count as one group.
   */
  String since(ThreadCpu before) {
    Map<String, Long> byGroup = usedByGroup(before);
    long total = byGroup.values().stream().mapToLong(Long::longValue).sum();
    double wallSeconds = (nanos - before.nanos) / 1e9;
    StringBuilder text =
        new StringBuilder(
            String.format(
                "CPU used: %.2f of %d cores over %.1f s",
                total / 1e3 / wallSeconds,
                Runtime.getRuntime().availableProcessors(),
                wallSeconds));
    long all = Math.max(1, total);
    byGroup.entrySet().stream()
        .filter(e -> e.getValue() * 100 >= all)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                text.append(
                    String.format(
                        "; %s %.0f%% (%d ms)",
                        e.getKey(), 100.0 * e.getValue() / all, e.getValue())));
    return text.toString();
  }

  /** The share of the CPU used since {@code before} that the JIT compilers took, 0 to 1. */
  double jitShare(ThreadCpu before) {
    Map<String, Long> byGroup = usedByGroup(before);
    long total = byGroup.values().stream().mapToLong(Long::longValue).sum();
    return byGroup.getOrDefault(JIT, 0L) / (double) Math.max(1, total);
  }

  private Map<String, Long> usedByGroup(ThreadCpu before) {
    Map<String, Long> byGroup = new HashMap<>();
    long live = 0;
    for (Map.Entry<String, Long> thread : millisByThread.entrySet()) {
      long used = thread.getValue() - before.millisByThread.getOrDefault(thread.getKey(), 0L);
      byGroup.merge(
          group(thread.getKey().substring(thread.getKey().indexOf(' ') + 1)), used, Long::sum);
      live += used;
    }
    long total = Math.max(live, processMillis - before.processMillis);
    byGroup.merge("threads that have ended", total - live, Long::sum);
    return byGroup;
  }

  /** Linux keeps 15 characters of a thread's name: enough to tell these apart. */
  private static String group(String name) {
    if (name.startsWith("C2 Compiler") || name.startsWith("C1 Compiler")) {
      return JIT;
    }
    if (name.startsWith("data-plane-kafk") || name.startsWith("kafka-") && name.contains("raft")) {
      return "broker";
    }
    if (name.startsWith("kafka-producer-")) {
      return "producers' I/O threads";
    }
    if (name.equals("java")) {
      return "bench main thread";
    }
    if (name.startsWith("bench-")) {
      return "stream thread with its libtorch workers";
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
      return "garbage collector";
    }
    return name.replaceAll("[-#]?[0-9]+$", "");
  }
}
