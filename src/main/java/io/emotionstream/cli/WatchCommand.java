package io.emotionstream.cli;

import io.emotionstream.watch.AnnotatedSceneWriter;
import io.emotionstream.watch.SceneWatch;
import io.emotionstream.watch.WatchSettings;
import io.emotionstream.watch.WatchSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description =
        "The annotated view: joins emotion.events to emotion.scenes by source and frame, draws each face's "
            + "box with its emotion and confidence, and writes the pictures (--out) or one line per frame. "
            + "The dashboard shows the same pictures live.")
public final class WatchCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Sources sources;

  static final class Sources {
    @Option(
        names = "--source-id",
        paramLabel = "ID",
        required = true,
        description = "A source (camera) to watch; repeat for several.")
    List<String> ids;

    @Option(names = "--all", required = true, description = "Every source.")
    boolean all;
  }

  @Option(
      names = "--out",
      paramLabel = "FILE.mp4|FILE.mkv|FILE.avi|FILE.webm|DIR",
      description =
          "Write the annotated frames: a video file of one source, or PNGs (frame-000123.png) in a folder "
              + "(a path without an extension; a folder per source when several are watched).")
  Path out;

  @Option(
      names = "--from-beginning",
      description =
          "Replay what the topics hold (scenes are kept an hour) instead of starting at their end.")
  boolean fromBeginning;

  @Option(
      names = "--limit",
      defaultValue = "0",
      paramLabel = "N",
      description = "Stop after N frames; 0 for no limit (default).")
  long limit;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      paramLabel = "D",
      description = "Stop after this long (default: until Ctrl-C or the limit).")
  Duration duration;

  @Option(
      names = "--fps",
      defaultValue = "0",
      paramLabel = "F",
      description = "Frame rate of a video file; 0 takes it from the frames' times (default).")
  double fps;

  @Option(
      names = "--wait",
      defaultValue = "2s",
      converter = DurationConverter.class,
      paramLabel = "D",
      description =
          "How long a frame waits for its faces' events before it is drawn with those that came (default ${DEFAULT-VALUE}).")
  Duration sceneWait;

  @Option(names = "--quiet", description = "No line per frame, only the summary.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    Set<String> ids = sources.all ? Set.of() : Set.copyOf(sources.ids);
    WatchSettings settings =
        new WatchSettings(
            ids, fromBeginning, sceneWait, limit, duration == null ? Duration.ZERO : duration);
    PrintWriter lines = spec.commandLine().getOut();
    AnnotatedSceneWriter writer =
        out == null ? null : AnnotatedSceneWriter.open(out, fps, settings.severalSources());
    lines.println(
        "watching "
            + (sources.all ? "every source" : String.join(", ", ids))
            + " on "
            + connection.settings().bootstrapServers()
            + (out == null
                ? "; the annotated pictures are in the dashboard (emotion dashboard, Live video)"
                : "; writing " + out)
            + "; Ctrl-C stops");
    lines.flush();
    SceneWatch watch;
    try {
      watch =
          SceneWatch.start(
              connection.settings(),
              settings,
              writer,
              line -> {
                if (!quiet) {
                  lines.println(line);
                  lines.flush();
                }
              });
    } catch (RuntimeException e) {
      if (writer != null) {
        writer.close();
      }
      throw e;
    }

    // The summary is printed inside: the JVM halts once the shutdown hook returns.
    return UntilStopped.call(
        watch::stop,
        () -> {
          WatchSummary summary = watch.awaitEnd();
          lines.println(summary.describe());
          lines.flush();
          return summary.failed() ? 1 : 0;
        });
  }
}
