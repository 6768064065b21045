package io.emotionstream.bench.soak;

import static org.awaitility.Awaitility.await;

import io.emotionstream.testing.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The soak's processes, each an {@code emotion} command started as a user starts it, with a log of
 * its own; whatever still runs at the end is stopped as Ctrl-C would stop it, the last started
 * first.
 */
final class Services implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofMinutes(3);

  /** One started command. */
  record Service(String name, ChildProcess process, Path log) {
    /** The exit code of a service that has ended, -1 while it runs. */
    int exitCode() {
      if (process.isAlive()) {
        return -1;
      }
      try {
        return process.awaitExit(Duration.ZERO);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }

    String tail() {
      try {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
      } catch (IOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }
  }

  private final Path root;
  private final Path logs;
  private final Map<String, String> environment;
  private final Deque<Service> started = new ArrayDeque<>();

  Services(Path root, Path logs, Map<String, String> environment) {
    this.root = root;
    this.logs = logs;
    this.environment = new HashMap<>(environment);
  }

  /** An environment variable of every command started from now on. */
  void setenv(String name, String value) {
    environment.put(name, value);
  }

  synchronized Service start(String name, String... args) throws IOException {
    Service service =
        new Service(
            name,
            ChildProcess.script(root, logs.resolve(name + ".log"), environment, args),
            logs.resolve(name + ".log"));
    started.push(service);
    return service;
  }

  /** Starts the command and waits for it to end; fails, with its last lines, unless it exits 0. */
  Service run(String name, Duration atMost, String... args)
      throws IOException, InterruptedException {
    Service service = start(name, args);
    int code = service.process().awaitExit(atMost);
    if (code != 0) {
      throw new IllegalStateException(name + " exited " + code + ":\n" + service.tail());
    }
    return service;
  }

  /**
   * Waits until the service has printed a line starting with {@code prefix} and returns the rest of
   * that line; fails if it ends first.
   */
  String awaitLine(Service service, String prefix) {
    await()
        .atMost(STARTUP)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> lineAfter(service, prefix).isPresent() || !service.process().isAlive());
    return lineAfter(service, prefix)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    service.name()
                        + " ended before it printed '"
                        + prefix
                        + "':\n"
                        + service.tail()));
  }

  private static Optional<String> lineAfter(Service service, String prefix) {
    try {
      return Files.readAllLines(service.log()).stream()
          .filter(line -> line.startsWith(prefix))
          .map(line -> line.substring(prefix.length()).trim())
          .findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stops every service when this JVM is stopped (Ctrl-C) before the soak ends, so that none is
   * left running.
   */
  Services stoppedWithThisJvm() {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    close();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "soak-shutdown"));
    return this;
  }

  @Override
  public synchronized void close() throws InterruptedException {
    while (!started.isEmpty()) {
      started.pop().process().close();
    }
  }
}
