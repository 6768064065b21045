package io.emotionstream.producer.video;

import io.emotionstream.avro.FaceBox;
import io.emotionstream.avro.FaceFrame;
import io.emotionstream.avro.SceneFace;
import io.emotionstream.avro.SceneFrame;
import io.emotionstream.data.FaceResizer;
import io.emotionstream.data.FaceSet;
import io.emotionstream.data.GrayImage;
import io.emotionstream.data.Region;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.kafka.TopicSpec;
import io.emotionstream.producer.KafkaSink;
import io.emotionstream.producer.ProduceSummary;
import io.emotionstream.producer.ProducerTuning;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A video source into Kafka, the seed's real-time mode the Kafka way: every kept frame is searched
 * for faces, and each face becomes one {@code FaceFrame} (its crop, grayscale, area-resized to
 * 48x48, with its box and scene position); optionally the whole frame goes to the scenes topic as
 * JPEG.
 *
 * <p>A reader thread decodes (and paces a file); the calling thread hands the frames to a {@link
 * ParallelFaceSearch}, which searches several at once and sends each frame's faces in frame order.
 * Between reader and search a small queue drops the oldest frame when the search falls behind a
 * real-time source, so faces sent are always recent. {@link #stop} (Ctrl-C) ends the run cleanly:
 * the reader stops, frames already queued are sent, the producer flushed and the source closed.
 */
public final class VideoProducer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VideoProducer.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(500);
  private static final Duration LONGEST_RETRY = Duration.ofSeconds(10);

  private final KafkaProducer<String, byte[]> producer;
  private final Serializer<FaceFrame> faceSerializer;
  private final Serializer<SceneFrame> sceneSerializer;
  private final String framesTopic;
  private final String scenesTopic;
  private final CountDownLatch stopped = new CountDownLatch(1);

  public VideoProducer(ConnectionSettings settings, TopicSerdes serdes) {
    this.framesTopic = settings.topics().frames();
    this.scenesTopic = settings.topics().scenes();
    Map<String, Object> config =
        ProducerTuning.live(settings)
            .orDefault(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                TopicSpec.MAX_RECORD_BYTES) // a large frame's JPEG
            .values();
    this.producer =
        new KafkaProducer<>(config, serdes.keys().serializer(), new ByteArraySerializer());
    this.faceSerializer = serdes.frames().serializer();
    this.sceneSerializer = serdes.scenes().serializer();
  }

  /**
   * Ends a running {@link #stream} soon and cleanly, and any later one at once; safe from any
   * thread (a shutdown hook).
   */
  public void stop() {
    stopped.countDown();
  }

  /**
   * Streams the source until it ends, the limit or duration is reached, or {@link #stop} is called.
   *
   * @param progress told the number of frames searched so far
   * @throws VideoSourceException if the source cannot be opened (nothing is sent then)
   */
  public VideoSummary stream(VideoSettings settings, String sourceId, LongConsumer progress)
      throws VideoSourceException {
    FfmpegVideoSource source =
        FfmpegVideoSource.open(settings.source(), settings.scenes().enabled());
    LOG.info(
        "{}: {}x{}{}",
        settings.source().describe(),
        source.width(),
        source.height(),
        source.frameRate() > 0 ? String.format(" at %.2f frames/s", source.frameRate()) : "");
    try (ParallelFaceSearch search = new ParallelFaceSearch(settings.detection())) {
      Run run = new Run(settings, sourceId, source, search);
      return run.execute(progress);
    } catch (VideoSourceException | RuntimeException e) {
      source.close();
      throw e;
    }
  }

  @Override
  public void close() {
    producer.close();
  }

  /** The state of one {@link #stream} call, shared by its reader and its sender. */
  private final class Run {
    private final VideoSettings settings;
    private final String sourceId;
    private final ParallelFaceSearch search;
    private final SceneQueue queue;
    private final KafkaSink<byte[]> faces;
    private final KafkaSink<byte[]> scenes;
    private final long started = System.nanoTime();
    private final long deadline;
    private FfmpegVideoSource source;
    // Written by the reader thread, read after it has ended.
    private long read;
    private long skipped;
    private int reconnections;
    private long downNanos;
    private String ending = "the source ended";
    private boolean lost;
    // Written by the frames' hand-on, one frame after the other; read once all are handed on.
    private long withoutFace;
    private long searched;
    private long lastSceneMs = Long.MIN_VALUE;

    Run(
        VideoSettings settings,
        String sourceId,
        FfmpegVideoSource source,
        ParallelFaceSearch search) {
      this.settings = settings;
      this.sourceId = sourceId;
      this.source = source;
      this.search = search;
      this.queue =
          new SceneQueue(settings.queueCapacity(), settings.pacing().realTime(settings.source()));
      this.faces = new KafkaSink<>(producer, framesTopic);
      this.scenes = new KafkaSink<>(producer, scenesTopic);
      this.deadline =
          settings.duration().isZero() ? Long.MAX_VALUE : started + settings.duration().toNanos();
    }

    VideoSummary execute(LongConsumer progress) {
      Thread reader = new Thread(this::readAll, "video-reader");
      reader.setDaemon(true);
      reader.start();
      try {
        for (DecodedScene scene = queue.take(); scene != null; scene = queue.take()) {
          if (search.failed()) {
            scene.close();
            break; // finish() says why
          }
          search.submit(
              scene,
              found -> {
                send(found);
                progress.accept(++searched);
              });
        }
        search.finish(); // rethrows what failed
        reader.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        queue.discard();
        ending = "interrupted";
      } catch (RuntimeException | Error e) {
        // The reader must not wait on a queue nobody takes from any more.
        stop();
        queue.discard();
        throw e;
      }
      ProduceSummary faceSummary = faces.finish(); // flushes the producer: every send is answered
      ProduceSummary sceneSummary = scenes.finish();
      String failure =
          faceSummary.firstFailure() != null
              ? faceSummary.firstFailure()
              : sceneSummary.firstFailure();
      return new VideoSummary(
          read,
          skipped,
          queue.dropped(),
          withoutFace,
          faceSummary.sent(),
          faceSummary.failed(),
          sceneSummary.sent(),
          reconnections,
          Duration.ofNanos(downNanos),
          Duration.ofNanos(System.nanoTime() - started),
          ending,
          lost,
          failure);
    }

    /**
     * The reader thread: decodes, keeps every n-th frame, paces a file, reconnects a live source.
     */
    private void readAll() {
      ScenePacer pacer = new ScenePacer(settings.pacing(), source.frameRate());
      long index = 0;
      try {
        while (true) {
          if (stopped.getCount() == 0) {
            ending = "stopped";
            return;
          }
          if (System.nanoTime() >= deadline) {
            ending = "its duration ended";
            return;
          }
          if (settings.limit() > 0 && read >= settings.limit()) {
            ending = "its limit of " + settings.limit() + " frames was reached";
            return;
          }
          DecodedScene scene;
          String failure = null;
          try {
            scene = source.read(index);
          } catch (VideoSourceException e) {
            scene = null;
            failure = e.getMessage();
          }
          if (scene == null) {
            if (failure == null && settings.loop() && !settings.source().live() && index > 0) {
              source.close();
              source = FfmpegVideoSource.open(settings.source(), settings.scenes().enabled());
              continue;
            }
            if (settings.source().live() && settings.reconnect()) {
              if (!reopen(failure == null ? settings.source().describe() + " ended" : failure)) {
                return;
              }
              continue;
            }
            if (failure != null) {
              ending = "the source failed: " + failure;
              lost = true;
            }
            return;
          }
          index++;
          read++;
          // Paced before --every: a rate is of decoded frames, as a file's own rate is.
          if (!pacer.awaitDue(scene, this::sleep)) {
            scene.close();
            continue; // stopped while waiting: the loop says so
          }
          if (scene.index() % settings.every() != 0) {
            skipped++;
            scene.close();
            continue;
          }
          // A paced file's frame is "captured" when it is due, as a camera would deliver it, not
          // when decoded.
          queue.put(settings.source().live() ? scene : scene.capturedNow());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ending = "interrupted";
      } catch (VideoSourceException e) {
        ending = "the file could not be opened again to loop: " + e.getMessage();
        lost = true;
      } catch (RuntimeException e) {
        LOG.error("reading {} failed", settings.source().describe(), e);
        ending = "reading failed: " + e;
        lost = true;
      } finally {
        source.close();
        queue.finish();
      }
    }

    /**
     * Opens the source again, waiting longer after each failure; false if stopped or out of time
     * first.
     */
    private boolean reopen(String why) {
      source.close();
      long downSince = System.nanoTime();
      LOG.warn("{}; reconnecting", why);
      Duration wait = FIRST_RETRY;
      try {
        while (sleep(Math.min(wait.toNanos(), Math.max(0, deadline - System.nanoTime())))
            && System.nanoTime() < deadline) {
          try {
            source = FfmpegVideoSource.open(settings.source(), settings.scenes().enabled());
            reconnections++;
            LOG.info(
                "{} is back after {} s",
                settings.source().describe(),
                String.format("%.1f", (System.nanoTime() - downSince) / 1e9));
            return true;
          } catch (VideoSourceException e) {
            LOG.debug("still away: {}", e.getMessage());
            wait = Collections.min(List.of(wait.multipliedBy(2), LONGEST_RETRY));
          }
        }
        ending =
            stopped.getCount() == 0
                ? "stopped while the source was away"
                : "its duration ended while the source was away";
        return false;
      } finally {
        downNanos += System.nanoTime() - downSince;
      }
    }

    /** Waits, unless stopped first; true if the whole wait passed. */
    private boolean sleep(long nanos) {
      try {
        return !stopped.await(nanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    /** One frame's faces, and the frame itself when scenes are published; frames come in order. */
    private void send(ParallelFaceSearch.Found searchResult) {
      DecodedScene scene = searchResult.scene();
      List<Region> found = searchResult.faces();
      GrayImage gray = searchResult.gray();
      if (found.isEmpty()) {
        withoutFace++;
      }
      Instant capture = Instant.ofEpochMilli(scene.captureTimeMs());
      for (int i = 0; i < found.size(); i++) {
        Region box = found.get(i);
        FaceFrame frame =
            FaceFrame.newBuilder()
                .setFrameId(UUID.randomUUID().toString())
                .setSourceId(sourceId)
                .setWidth(FaceSet.SIDE)
                .setHeight(FaceSet.SIDE)
                .setPixels(ByteBuffer.wrap(FaceResizer.toFace(gray.crop(box))))
                .setCaptureTimeMs(capture)
                .setScene(
                    SceneFace.newBuilder()
                        .setSceneIndex(scene.index())
                        .setSceneTimeMs(scene.sourceTimeMs())
                        .setSceneWidth(scene.width())
                        .setSceneHeight(scene.height())
                        .setFaceIndex(i)
                        .setFaceCount(found.size())
                        .setBox(new FaceBox(box.x(), box.y(), box.width(), box.height()))
                        .build())
                .build();
        faces.send(sourceId, faceSerializer.serialize(framesTopic, frame));
      }
      if (sceneDue(scene)) {
        byte[] jpeg = jpeg(scene.picture(), settings.scenes().jpegQuality());
        SceneFrame whole =
            SceneFrame.newBuilder()
                .setSourceId(sourceId)
                .setSceneIndex(scene.index())
                .setSceneTimeMs(scene.sourceTimeMs())
                .setCaptureTimeMs(capture)
                .setWidth(scene.width())
                .setHeight(scene.height())
                .setFaces(
                    found.stream()
                        .map(box -> new FaceBox(box.x(), box.y(), box.width(), box.height()))
                        .toList())
                .setJpeg(ByteBuffer.wrap(jpeg))
                .build();
        scenes.send(sourceId, sceneSerializer.serialize(scenesTopic, whole));
      }
    }

    private boolean sceneDue(DecodedScene scene) {
      ScenePublishing publishing = settings.scenes();
      if (!publishing.enabled()) {
        return false;
      }
      if (publishing.maxRate() > 0
          && scene.captureTimeMs() - lastSceneMs < 1000 / publishing.maxRate()) {
        return false;
      }
      lastSceneMs = scene.captureTimeMs();
      return true;
    }
  }

  private static byte[] jpeg(Mat bgr, int quality) {
    try (BytePointer encoded = new BytePointer();
        IntPointer parameters = new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, quality)) {
      if (!opencv_imgcodecs.imencode(".jpg", bgr, encoded, parameters)) {
        throw new IllegalStateException(
            "OpenCV could not encode a " + bgr.cols() + "x" + bgr.rows() + " frame as JPEG");
      }
      byte[] bytes = new byte[(int) encoded.limit()];
      encoded.get(bytes);
      return bytes;
    }
  }
}
