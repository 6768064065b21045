package io.emotionstream.testing;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A network camera on loopback: FFmpeg serving the test video's frames as an MPEG-TS stream over
 * HTTP, in real time, to one client (FFmpeg's listen mode). {@link #close} cuts the stream, as a
 * camera that drops off the network would.
 */
public final class LoopbackVideoServer implements AutoCloseable {
  private final Thread thread;
  private final CountDownLatch connected = new CountDownLatch(1);
  private final AtomicLong sent = new AtomicLong();
  private volatile boolean running = true;

  private LoopbackVideoServer(String url, double frameRate, int loopFrames) {
    this.thread = new Thread(() -> serve(url, frameRate, loopFrames), "loopback-video-server");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Listens on {@code http://127.0.0.1:port/}, returning once it does, and streams when a client
   * connects.
   */
  public static LoopbackVideoServer listen(int port, double frameRate) {
    LoopbackVideoServer server =
        new LoopbackVideoServer("http://127.0.0.1:" + port + "/camera.ts", frameRate, 30);
    awaitListening(port);
    return server;
  }

  /**
   * Waits until FFmpeg listens on the port. Knocking on it would make us its one client, so the
   * kernel's table of listening sockets is asked instead (Linux).
   */
  public static void awaitListening(int port) {
    String local = String.format(":%04X ", port);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Files.readAllLines(Path.of("/proc/net/tcp")).stream()
                    .anyMatch(
                        line -> line.contains(local) && line.trim().split("\\s+")[3].equals("0A")));
  }

  public boolean awaitClient(long seconds) throws InterruptedException {
    return connected.await(seconds, TimeUnit.SECONDS);
  }

  public long framesSent() {
    return sent.get();
  }

  private void serve(String url, double frameRate, int loopFrames) {
    avutil.av_log_set_level(avutil.AV_LOG_FATAL);
    try (Mat photo = TestVideos.photo();
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
        FFmpegFrameRecorder recorder =
            new FFmpegFrameRecorder(url, TestVideos.WIDTH, TestVideos.HEIGHT, 0)) {
      recorder.setFormat("mpegts");
      recorder.setVideoCodecName("mpeg4");
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(frameRate);
      recorder.setGopSize((int) Math.round(frameRate));
      recorder.setVideoQuality(4);
      recorder.setOption("listen", "1");
      // Returns once a client has connected; start() would hold JavaCV's process-wide codec lock
      // until then,
      // and the client could not open its grabber.
      recorder.startUnsafe();
      connected.countDown();
      long start = System.nanoTime();
      for (long i = 0; running; i++) {
        try (Mat frame = TestVideos.frame(photo, (int) (i % loopFrames), loopFrames)) {
          recorder.record(converter.convert(frame));
        }
        sent.incrementAndGet();
        // The camera's own frame clock.
        LockSupport.parkNanos(start + (long) ((i + 1) * 1e9 / frameRate) - System.nanoTime());
      }
      recorder.stop();
    } catch (Exception e) {
      // The client went away or the stream was cut: a camera just stops sending.
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }
}
