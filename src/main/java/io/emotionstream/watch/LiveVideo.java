package io.emotionstream.watch;

import io.emotionstream.kafka.ConnectionSettings;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's live video: the scenes of every source joined to their events, and the newest of
 * each source drawn and encoded as JPEG once, on the feed's thread (never on an HTTP thread), into
 * {@link LatestPictures}. Scenes a poll released behind a newer one of the same source are not
 * drawn: only the latest picture is shown, and catching up stays cheap.
 */
public final class LiveVideo implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveVideo.class);
  public static final int MAX_SOURCES = 8;
  private static final float JPEG_QUALITY = 0.85f;

  private final LatestPictures pictures = new LatestPictures(MAX_SOURCES);
  private final SceneAnnotator annotator = new SceneAnnotator();
  private final Clock clock;
  private final AtomicLong unreadableScenes = new AtomicLong();
  private WatchFeed feed;

  private LiveVideo(Clock clock) {
    this.clock = clock;
  }

  public static LiveVideo start(ConnectionSettings connection, boolean fromBeginning) {
    LiveVideo video = new LiveVideo(Clock.systemUTC());
    video.feed =
        WatchFeed.start(
            connection, WatchSettings.everySource(fromBeginning), video.clock, video::show);
    return video;
  }

  public LatestPictures pictures() {
    return pictures;
  }

  /** Scenes whose picture did not decode, skipped. */
  public long unreadableScenes() {
    return unreadableScenes.get();
  }

  /** Scene and event records read, readable or not. */
  public long recordsRead() {
    return feed.recordsRead();
  }

  /** Scene and event records that could not be read, skipped. */
  public long unreadableRecords() {
    return feed.unreadableRecords();
  }

  private void show(List<AnnotatedScene> scenes) {
    Map<String, AnnotatedScene> newest = new LinkedHashMap<>();
    scenes.forEach(
        scene -> newest.put(scene.sourceId(), scene)); // each source's come in index order
    for (AnnotatedScene scene : newest.values()) {
      try {
        pictures.put(scene, jpeg(annotator.annotate(scene)), clock.millis());
      } catch (UnreadableSceneException e) {
        unreadableScenes.incrementAndGet();
        LOG.warn("skipping scene: {}", e.getMessage());
      }
    }
  }

  /** JPEG bytes of a picture, at a quality that keeps the labels legible. */
  public static byte[] jpeg(BufferedImage picture) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      ImageWriteParam parameters = writer.getDefaultWriteParam();
      parameters.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      parameters.setCompressionQuality(JPEG_QUALITY);
      writer.setOutput(out);
      writer.write(null, new IIOImage(picture, null, null), parameters);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a JPEG in memory", e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  @Override
  public void close() {
    feed.close();
  }
}
