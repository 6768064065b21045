package io.emotionstream.monitor;

import io.emotionstream.kafka.ConnectionSettings;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code emotion monitor}: the topics read into a {@link LiveView}, redrawn on a terminal every
 * refresh.
 */
public final class ConsoleMonitor implements AutoCloseable {
  private final MonitorFeed feed;
  private final LiveView view;
  private final TerminalView renderer;
  private final PrintWriter out;
  private final Clock clock;
  private final ScheduledExecutorService refresher;

  private ConsoleMonitor(
      MonitorFeed feed, LiveView view, TerminalView renderer, PrintWriter out, Clock clock) {
    this.feed = feed;
    this.view = view;
    this.renderer = renderer;
    this.out = out;
    this.clock = clock;
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "monitor-refresh");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * @param eventWindow how far back events/s and the distribution look
   * @param ansi redraw the screen in place with colour; plain lines otherwise (logs, pipes)
   */
  public static ConsoleMonitor start(
      ConnectionSettings connection,
      StartPosition from,
      Duration eventWindow,
      Duration refresh,
      boolean ansi,
      PrintWriter out) {
    LiveView view = new LiveView(eventWindow, 0);
    MonitorFeed feed = MonitorFeed.start(connection, view, from, false);
    ConsoleMonitor monitor =
        new ConsoleMonitor(feed, view, new TerminalView(ansi), out, Clock.systemUTC());
    out.println(
        "watching " + connection.topics().prefix() + "* on " + connection.bootstrapServers());
    out.flush();
    monitor.refresher.scheduleAtFixedRate(
        monitor::draw, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
    return monitor;
  }

  private void draw() {
    out.print(renderer.render(view.snapshot(clock.instant())));
    out.flush();
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    try {
      refresher.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    feed.close();
    draw(); // the final state, so a run with --duration ends on everything it read
  }
}
