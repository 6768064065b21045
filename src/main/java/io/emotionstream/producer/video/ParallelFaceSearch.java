package io.emotionstream.producer.video;

import io.emotionstream.data.GrayImage;
import io.emotionstream.data.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Searches frames for faces on several threads at once, one frame and one detector per thread, and
 * hands each frame's faces on in frame order (the classifier's events and the annotated views rely
 * on a source's frames coming in order).
 *
 * <p>Why frames in parallel rather than OpenCV's own threads inside one frame: measured on 640x480
 * frames, two frames on one OpenCV thread each take 34 ms of CPU a frame and give a frame every 17
 * ms, while one frame on two OpenCV threads takes 39 ms of CPU and gives one every 20 ms; the
 * cascade's scales are too uneven to share out well. So with more than one thread here, OpenCV's
 * own pool is set to one thread (a process-wide setting).
 */
final class ParallelFaceSearch implements AutoCloseable {
  /**
   * A frame searched: its faces, left to right, and its gray picture when it has any (to cut them
   * from).
   */
  record Found(DecodedScene scene, List<Region> faces, GrayImage gray) {}

  private final BlockingQueue<HaarFaceDetector> idle;
  private final List<HaarFaceDetector> detectors = new ArrayList<>();
  private final ExecutorService threads;
  private final Semaphore free;
  private CompletableFuture<Void> lastHandedOn = CompletableFuture.completedFuture(null);

  ParallelFaceSearch(DetectionSettings settings) throws VideoSourceException {
    int threadCount = settings.threads();
    this.idle = new ArrayBlockingQueue<>(threadCount);
    try {
      for (int i = 0; i < threadCount; i++) {
        HaarFaceDetector detector = new HaarFaceDetector(settings);
        detectors.add(detector);
        idle.add(detector);
      }
    } catch (VideoSourceException | RuntimeException e) {
      detectors.forEach(HaarFaceDetector::close);
      throw e;
    }
    if (threadCount > 1) {
      opencv_core.setNumThreads(1);
    }
    AtomicInteger names = new AtomicInteger();
    this.threads =
        Executors.newFixedThreadPool(
            threadCount,
            runnable -> {
              Thread thread = new Thread(runnable, "face-search-" + names.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.free = new Semaphore(threadCount);
  }

  /**
   * Searches {@code scene} as soon as a thread is free (waiting until one is), then calls {@code
   * then} with its faces once every earlier frame's call has returned. The scene is closed
   * afterwards, whatever happens. After a failure, later frames are closed without a call.
   */
  void submit(DecodedScene scene, Consumer<Found> then) throws InterruptedException {
    free.acquire();
    CompletableFuture<Found> searched = CompletableFuture.supplyAsync(() -> search(scene), threads);
    CompletableFuture<Void> handedOn =
        lastHandedOn.thenCompose(ignored -> searched).thenAccept(then);
    // The frame's pixels go only once its search is over too: an earlier failure ends handedOn at
    // once.
    CompletableFuture.allOf(searched, handedOn)
        .whenComplete(
            (ignored, error) -> {
              scene.close();
              free.release();
            });
    lastHandedOn = handedOn;
  }

  /** Waits until every frame submitted is handed on; rethrows the first failure. */
  void finish() {
    try {
      lastHandedOn.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  /** Whether a search or a hand-on has failed, so that no more frames should come. */
  boolean failed() {
    return lastHandedOn.isCompletedExceptionally();
  }

  private Found search(DecodedScene scene) {
    HaarFaceDetector detector = idle.remove(); // never empty: a thread runs only with a permit
    try {
      boolean colour = scene.picture().channels() == 3;
      Mat gray = colour ? new Mat() : scene.picture();
      try {
        if (colour) {
          opencv_imgproc.cvtColor(scene.picture(), gray, opencv_imgproc.COLOR_BGR2GRAY);
        }
        List<Region> faces = detector.detect(gray);
        return new Found(scene, faces, faces.isEmpty() ? null : grayImage(gray));
      } finally {
        if (colour) {
          gray.close();
        }
      }
    } finally {
      idle.add(detector);
    }
  }

  private static GrayImage grayImage(Mat gray) {
    byte[] pixels = new byte[gray.cols() * gray.rows()];
    if (gray.isContinuous()) {
      gray.data().get(pixels);
    } else {
      for (int row = 0; row < gray.rows(); row++) {
        gray.ptr(row).get(pixels, row * gray.cols(), gray.cols());
      }
    }
    return new GrayImage(gray.cols(), gray.rows(), pixels);
  }

  @Override
  public void close() {
    threads.shutdown();
    try {
      // A detector must not be closed under a search still running.
      threads.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    detectors.forEach(HaarFaceDetector::close);
  }
}
