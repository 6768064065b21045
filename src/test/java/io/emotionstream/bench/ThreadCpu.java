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
 * compilers), from Linux's /proc: what a JFR profile does not show. A bench takes a snapshot before a
 * phase and prints where the CPU went during it.
 */
final class ThreadCpu {
  private static final Path TASKS = Path.of("/proc/self/task");
  /** USER_HZ, the unit of /proc's CPU times, is 100 on every Linux platform Java runs on. */
  private static final long MILLIS_PER_TICK = 10;

  private final Map<String, Long> millisByThread;
  private final long nanos = System.nanoTime();

  private ThreadCpu(Map<String, Long> millisByThread) {
    this.millisByThread = millisByThread;
  }

  static ThreadCpu snapshot() {
    Map<String, Long> millis = new HashMap<>();
    if (!Files.isDirectory(TASKS)) {
      return new ThreadCpu(millis); // not Linux: nothing to report
    }
    try (Stream<Path> tasks = Files.list(TASKS)) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          // pid (comm) state ...: utime and stime are fields 14 and 15, the 12th and 13th after comm.
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          millis.put(task.getFileName() + " " + name, ticks * MILLIS_PER_TICK);
        } catch (NoSuchFileException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ThreadCpu(millis);
  }

  /** One line per group of threads, busiest first, for the time since {@code before}. */
  String since(ThreadCpu before) {
    Map<String, Long> byGroup = new HashMap<>();
    long total = 0;
    for (Map.Entry<String, Long> thread : millisByThread.entrySet()) {
      long used = thread.getValue() - before.millisByThread.getOrDefault(thread.getKey(), 0L);
      byGroup.merge(group(thread.getKey().substring(thread.getKey().indexOf(' ') + 1)), used, Long::sum);
      total += used;
    }
    double wallSeconds = (nanos - before.nanos) / 1e9;
    StringBuilder text = new StringBuilder(String.format("CPU used: %.2f of %d cores over %.1f s", total / 1e3
        / wallSeconds, Runtime.getRuntime().availableProcessors(), wallSeconds));
    long all = Math.max(1, total);
    byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> text.append(String.format("; %s %.0f%%", e.getKey(), 100.0 * e.getValue() / all)));
    return text.toString();
  }

  /** Linux keeps 15 characters of a thread's name: enough to tell these apart. */
  private static String group(String name) {
    if (name.startsWith("C2 Compiler") || name.startsWith("C1 Compiler")) {
      return "JIT compilers";
    }
    if (name.startsWith("data-plane-kafk") || name.startsWith("kafka-") && name.contains("raft")) {
      return "broker";
    }
    if (name.startsWith("kafka-producer-")) {
      return "producers' I/O threads";
    }
    if (name.equals("java")) {
      return "bench main thread (frame producer, event consumer)";
    }
    if (name.startsWith("bench-")) {
      return "stream thread with its libtorch workers";
    }
    return "other";
  }
}
