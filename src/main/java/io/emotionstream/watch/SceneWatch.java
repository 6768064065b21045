package io.emotionstream.watch;

import io.emotionstream.kafka.ConnectionSettings;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code emotion watch}: the scenes of the watched sources joined to their events, each drawn and
 * written (PNGs or a video file) and described in one line, until a limit, a duration, {@link
 * #stop} (Ctrl-C) or a failure. A scene whose picture does not decode is logged, counted and
 * skipped; a record that cannot be read likewise (by the feed). The output is finished on every
 * ending, so a video file stays playable.
 */
public final class SceneWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SceneWatch.class);

  private final WatchSettings settings;
  private final AnnotatedSceneWriter writer;
  private final Consumer<String> lines;
  private final SceneAnnotator annotator = new SceneAnnotator();
  private final CountDownLatch ended = new CountDownLatch(1);
  private WatchFeed feed;
  // Written on the feed's thread; read after it has ended (close() joins it).
  private long shown;
  private long incomplete;
  private long unreadableScenes;
  private volatile String ending = "stopped";
  private volatile String failure;
  private boolean closed;
  private WatchSummary summary;

  private SceneWatch(WatchSettings settings, AnnotatedSceneWriter writer, Consumer<String> lines) {
    this.settings = settings;
    this.writer = writer;
    this.lines = lines;
  }

  /**
   * Starts reading; when this returns, anything written to the topics afterwards will be seen.
   *
   * @param writer where the pictures go; null to describe each scene only, without drawing it
   * @param lines told one line per scene
   */
  public static SceneWatch start(
      ConnectionSettings connection,
      WatchSettings settings,
      AnnotatedSceneWriter writer,
      Consumer<String> lines) {
    SceneWatch watch = new SceneWatch(settings, writer, lines);
    watch.feed =
        WatchFeed.start(
            connection,
            settings,
            Clock.systemUTC(),
            new WatchFeed.Listener() {
              @Override
              public void onScenes(List<AnnotatedScene> scenes) throws IOException {
                watch.show(scenes);
              }

              @Override
              public void onStopped(Throwable failure) {
                if (failure != null) {
                  watch.fail("reading the topics failed: " + failure.getMessage());
                }
              }
            });
    return watch;
  }

  /** Ends the watch soon; safe from any thread (a shutdown hook). */
  public void stop() {
    ended.countDown();
  }

  /**
   * Waits until the limit is reached, the duration has passed, {@link #stop} is called or the watch
   * fails; then closes it and returns how it went.
   */
  public WatchSummary awaitEnd() throws InterruptedException {
    if (settings.duration().isZero()) {
      ended.await();
    } else if (!ended.await(settings.duration().toMillis(), TimeUnit.MILLISECONDS)) {
      ending = "its duration of " + settings.duration() + " ended";
    }
    close();
    return summary;
  }

  private void show(List<AnnotatedScene> scenes) throws IOException {
    for (AnnotatedScene scene : scenes) {
      if (failure != null || settings.limit() > 0 && shown >= settings.limit()) {
        return;
      }
      if (writer != null) {
        BufferedImage picture;
        try {
          picture = annotator.annotate(scene);
        } catch (UnreadableSceneException e) {
          unreadableScenes++;
          LOG.warn("skipping scene: {}", e.getMessage());
          continue;
        }
        try {
          writer.write(scene, picture);
        } catch (IOException | RuntimeException e) {
          fail(
              "cannot write "
                  + scene.sourceId()
                  + " scene "
                  + scene.sceneIndex()
                  + ": "
                  + e.getMessage());
          throw e;
        }
      }
      shown++;
      if (!scene.complete()) {
        incomplete++;
      }
      lines.accept(scene.describe());
      if (settings.limit() > 0 && shown >= settings.limit()) {
        ending = "its limit of " + settings.limit() + " scenes was reached";
        ended.countDown();
      }
    }
  }

  private void fail(String why) {
    if (failure == null) {
      failure = why;
      ending = "it failed";
    }
    ended.countDown();
  }

  /** Stops reading, draws what was still waiting (within the limit), and finishes the output. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ended.countDown();
    feed.close();
    String output = null;
    if (writer != null) {
      try {
        writer.close();
        output = writer.describe();
      } catch (IOException | RuntimeException e) {
        fail("cannot finish " + writer.describe() + ": " + e.getMessage());
      }
    }
    summary =
        new WatchSummary(
            shown,
            incomplete,
            unreadableScenes,
            feed.unreadableRecords(),
            feed.joinCounts(),
            ending,
            output,
            failure);
  }
}
