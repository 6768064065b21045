package io.emotionstream.cli;

import io.emotionstream.monitor.ConsoleMonitor;
import io.emotionstream.monitor.StartPosition;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description =
        "Live terminal view: accuracy per model version, training progress, events/s and the emotion "
            + "distribution, the latest checkpoint, what serves and the latest serving decisions. Reads from now on "
            + "unless --from-beginning.")
public final class MonitorCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--plain",
      description =
          "Plain lines instead of a redrawn screen (the default when stdout is not a terminal).")
  boolean plain;

  @Option(
      names = "--from-beginning",
      description = "Replay what the topics hold instead of starting at their end.")
  boolean fromBeginning;

  @Option(
      names = "--window",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description =
          "How far back events/s and the emotion distribution look (default ${DEFAULT-VALUE}).")
  Duration window;

  @Option(
      names = "--refresh",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "How often the view is redrawn (default ${DEFAULT-VALUE}).")
  Duration refresh;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "Stop after this long (default: run until Ctrl-C).")
  Duration duration;

  @Override
  public Integer call() throws InterruptedException {
    if (refresh.toMillis() < 100) {
      throw new IllegalArgumentException("--refresh must be at least 100ms, got " + refresh);
    }
    PrintWriter out = spec.commandLine().getOut();
    // System.console() is null when stdin or stdout is not a terminal: a pipe or a log gets plain
    // lines.
    boolean ansi = !plain && System.console() != null;
    ConsoleMonitor monitor =
        ConsoleMonitor.start(
            connection.settings(),
            fromBeginning ? StartPosition.BEGINNING : StartPosition.END,
            window,
            refresh,
            ansi,
            out);
    if (duration == null) {
      return UntilStopped.run(monitor);
    }
    try (monitor) {
      Thread.sleep(duration.toMillis());
    }
    return 0;
  }
}
