package io.emotionstream.monitor;

import java.time.Duration;
import java.util.List;

/**
 * @param bindAddress the interface to listen on; 127.0.0.1 keeps the dashboard (and its retrain
 *     button) to this machine
 * @param port 0 for a free port
 * @param modelName the model whose retraining the form asks for (the control topic's key)
 * @param from where the streams are read from
 * @param eventWindow how far back events/s and the distribution look
 * @param recentFrames how many thumbnails the strip shows
 * @param refresh how often the page gets a new snapshot
 * @param allowedHosts names the dashboard answers to besides the bound address and the loopback
 *     names, such as the name of a proxy in front of it
 */
public record DashboardSettings(
    String bindAddress,
    int port,
    String modelName,
    StartPosition from,
    Duration eventWindow,
    int recentFrames,
    Duration refresh,
    List<String> allowedHosts) {

  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_EVENT_WINDOW_SECONDS = 60;
  public static final int DEFAULT_RECENT_FRAMES = 16;
  public static final int DEFAULT_REFRESH_SECONDS = 1;

  public DashboardSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (refresh.toMillis() < 100) {
      throw new IllegalArgumentException("refresh must be at least 100ms, got " + refresh);
    }
    allowedHosts = List.copyOf(allowedHosts);
  }

  public static DashboardSettings defaults(String modelName) {
    return new DashboardSettings(
        DEFAULT_BIND_ADDRESS,
        DEFAULT_PORT,
        modelName,
        StartPosition.END,
        Duration.ofSeconds(DEFAULT_EVENT_WINDOW_SECONDS),
        DEFAULT_RECENT_FRAMES,
        Duration.ofSeconds(DEFAULT_REFRESH_SECONDS),
        List.of());
  }

  public DashboardSettings withPort(int newPort) {
    return new DashboardSettings(
        bindAddress, newPort, modelName, from, eventWindow, recentFrames, refresh, allowedHosts);
  }

  public DashboardSettings withStart(StartPosition newFrom) {
    return new DashboardSettings(
        bindAddress, port, modelName, newFrom, eventWindow, recentFrames, refresh, allowedHosts);
  }

  public DashboardSettings withAllowedHosts(List<String> names) {
    return new DashboardSettings(
        bindAddress, port, modelName, from, eventWindow, recentFrames, refresh, names);
  }
}
