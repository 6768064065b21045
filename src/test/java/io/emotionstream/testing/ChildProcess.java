package io.emotionstream.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An {@code emotion} command in a JVM of its own, so a test can kill it the hard way (SIGKILL: no
 * shutdown hook, no final commit) as a crash would.
 */
public final class ChildProcess implements AutoCloseable {
  private final Process process;

  private ChildProcess(Process process) {
    this.process = process;
  }

  public static ChildProcess emotion(Path log, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // One libtorch thread, as in the test JVM (surefire's argLine): two would fight the
                // brokers for the cores.
                "-Xmx1g",
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.graph_optimizer=false",
                "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp",
                System.getProperty("java.class.path"),
                "io.emotionstream.cli.EmotionCli"));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("MALLOC_MMAP_THRESHOLD_", "4294967296");
    builder.environment().put("MALLOC_TRIM_THRESHOLD_", "4294967296");
    builder.environment().put("MALLOC_ARENA_MAX", "1");
    return new ChildProcess(builder.start());
  }

  /**
   * The command as a user starts it, through {@code scripts/emotion}: the jar, with the JVM options
   * and allocator settings the project runs that service with. The script execs the JVM, so {@link
   * #pid()} is the JVM's.
   *
   * @param environment added to this process's environment, such as {@code
   *     EMOTION_BOOTSTRAP_SERVERS}
   */
  public static ChildProcess script(
      Path root, Path log, Map<String, String> environment, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(root.resolve("scripts/emotion").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    return new ChildProcess(builder.start());
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the process to end by itself and returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("still running after " + timeout);
    }
    return process.exitValue();
  }

  /** SIGTERM, as Ctrl-C would stop it: its shutdown hooks run. Does not wait. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL, and wait until it is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
