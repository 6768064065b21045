package io.emotionstream.cli;

import io.emotionstream.control.ModelNames;
import io.emotionstream.metrics.DashboardMetricFamilies;
import io.emotionstream.metrics.MetricsEndpoint;
import io.emotionstream.monitor.DashboardServer;
import io.emotionstream.monitor.DashboardSettings;
import io.emotionstream.monitor.StartPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description =
        "Serve the web dashboard: latest checkpoint, what serves and the candidate beside it with the "
            + "latest serving decisions, training curves, rolling accuracy, emotion distribution, the latest frames, and a "
            + "form that asks the trainer to retrain.")
public final class DashboardCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;
  @Mixin MetricsOptions metricsOptions;

  @Option(
      names = "--port",
      defaultValue = "" + DashboardSettings.DEFAULT_PORT,
      description = "HTTP port; 0 picks a free one (default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--bind",
      defaultValue = DashboardSettings.DEFAULT_BIND_ADDRESS,
      description =
          "Interface to listen on; the page can retrain the model, so it stays on this machine unless told (default ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--model-name",
      defaultValue = ModelNames.DEFAULT,
      description = "The model the retrain form addresses (default ${DEFAULT-VALUE}).")
  String modelName;

  @Option(
      names = "--from-beginning",
      description = "Replay what the topics hold instead of starting at their end.")
  boolean fromBeginning;

  @Option(
      names = "--window",
      defaultValue = DashboardSettings.DEFAULT_EVENT_WINDOW_SECONDS + "s",
      converter = DurationConverter.class,
      description =
          "How far back events/s and the emotion distribution look (default ${DEFAULT-VALUE}).")
  Duration window;

  @Option(
      names = "--frames",
      defaultValue = "" + DashboardSettings.DEFAULT_RECENT_FRAMES,
      description = "Thumbnails in the strip of recent frames (default ${DEFAULT-VALUE}).")
  int frames;

  @Option(
      names = "--refresh",
      defaultValue = DashboardSettings.DEFAULT_REFRESH_SECONDS + "s",
      converter = DurationConverter.class,
      description = "How often the page is updated (default ${DEFAULT-VALUE}).")
  Duration refresh;

  @Option(
      names = "--allowed-host",
      paramLabel = "NAME",
      description =
          "A name the page may be reached by besides the --bind address, localhost and 127.0.0.1, such as "
              + "a proxy's; repeatable. Requests naming any other host are refused, which keeps DNS-rebinding pages out.")
  List<String> allowedHosts = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    DashboardSettings settings =
        new DashboardSettings(
            bind,
            port,
            modelName,
            fromBeginning ? StartPosition.BEGINNING : StartPosition.END,
            window,
            frames,
            refresh,
            allowedHosts);
    DashboardServer dashboard = DashboardServer.start(connection.settings(), settings);
    Optional<MetricsEndpoint> metrics;
    try {
      metrics = metricsOptions.start(DashboardMetricFamilies.of(dashboard));
    } catch (RuntimeException e) {
      dashboard.close();
      throw e;
    }
    System.out.println("dashboard at " + dashboard.url());
    return UntilStopped.run(
        () -> {
          try (dashboard) {
            metrics.ifPresent(MetricsEndpoint::close);
          }
        });
  }
}
