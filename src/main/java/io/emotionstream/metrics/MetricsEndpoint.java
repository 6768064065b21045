package io.emotionstream.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Serves a service's metrics in the Prometheus text format at {@code http://bind:port/metrics}. */
public final class MetricsEndpoint implements AutoCloseable {
  private final HTTPServer server;
  private final String bindAddress;

  private MetricsEndpoint(HTTPServer server, String bindAddress) {
    this.server = server;
    this.bindAddress = bindAddress;
  }

  /**
   * @param bindAddress the interface to listen on, such as 0.0.0.0 for a scraper on another machine
   * @param port 0 for a free port
   */
  public static MetricsEndpoint start(String bindAddress, int port, MetricFamilies families) {
    try {
      HTTPServer server =
          HTTPServer.builder()
              .hostname(bindAddress)
              .port(port)
              .registry(families.toRegistry())
              .buildAndStart();
      return new MetricsEndpoint(server, bindAddress);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve metrics on " + bindAddress + ":" + port + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getPort();
  }

  public String url() {
    return "http://" + bindAddress + ":" + port() + "/metrics";
  }

  @Override
  public void close() {
    server.close();
  }
}
