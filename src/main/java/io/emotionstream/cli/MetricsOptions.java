package io.emotionstream.cli;

import io.emotionstream.metrics.MetricFamilies;
import io.emotionstream.metrics.MetricsEndpoint;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The --metrics-port and --metrics-bind options every long-running service takes. */
public final class MetricsOptions {

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description =
          "Serve Prometheus metrics at http://BIND:PORT/metrics; 0 (the default) serves none.")
  int port;

  @Option(
      names = "--metrics-bind",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description =
          "Interface of the metrics endpoint; 0.0.0.0 lets a scraper on another machine in (default ${DEFAULT-VALUE}).")
  String bind;

  /** The started endpoint, or empty when no port was asked for. */
  public Optional<MetricsEndpoint> start(MetricFamilies families) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--metrics-port must be 0..65535, got " + port);
    }
    if (port == 0) {
      return Optional.empty();
    }
    MetricsEndpoint endpoint = MetricsEndpoint.start(bind, port, families);
    System.out.println("metrics at " + endpoint.url());
    return Optional.of(endpoint);
  }
}
