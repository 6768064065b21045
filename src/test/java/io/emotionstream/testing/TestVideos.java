package io.emotionstream.testing;

import io.emotionstream.data.Region;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Short videos made at test time from a real photograph (NASA's astronaut portrait, in test
 * resources): the camera pans across her and zooms in, so the face moves and grows from frame to
 * frame, and every frame's true face box follows from the geometry.
 */
public final class TestVideos {
  public static final int WIDTH = 640;
  public static final int HEIGHT = 480;

  /** Her face in the photograph (512x512), as the Haar cascade finds it at full size. */
  public static final Region PHOTO_FACE = new Region(178, 67, 92, 92);

  /** How a video is encoded. */
  public enum Codec {
    H264("mp4", "libopenh264", avutil.AV_PIX_FMT_YUV420P),
    MJPEG("avi", "mjpeg", avutil.AV_PIX_FMT_YUVJ420P);

    final String container;
    final String encoder;
    final int pixelFormat;

    Codec(String container, String encoder, int pixelFormat) {
      this.container = container;
      this.encoder = encoder;
      this.pixelFormat = pixelFormat;
    }
  }

  /** A written video and where the face is in each of its frames. */
  public record Video(Path file, double frameRate, List<Region> faces) {}

  private TestVideos() {}

  /**
   * Whether a detected box is the face expected there: centres within 8% of the face's side, sides
   * within 15%. The detector searches a half-size copy, whose boxes come back up to ~10% larger
   * than a full-size search's.
   */
  public static boolean sameFace(Region expected, Region found) {
    double side = expected.width();
    double dx = (found.x() + found.width() / 2.0) - (expected.x() + expected.width() / 2.0);
    double dy = (found.y() + found.height() / 2.0) - (expected.y() + expected.height() / 2.0);
    return Math.abs(dx) <= 0.08 * side
        && Math.abs(dy) <= 0.08 * side
        && Math.abs(found.width() - side) <= 0.15 * side;
  }

  /** The photograph, 512x512 BGR; the caller closes it. */
  public static Mat photo() throws IOException {
    byte[] jpeg;
    try (InputStream in = TestVideos.class.getResourceAsStream("/faces/astronaut.jpg")) {
      jpeg = in.readAllBytes();
    }
    try (Mat encoded = new Mat(new BytePointer(jpeg))) {
      return opencv_imgcodecs.imdecode(encoded, opencv_imgcodecs.IMREAD_COLOR);
    }
  }

  /** Where the face is in frame {@code index} of {@code frames}: it moves right and grows. */
  public static Region face(int index, int frames) {
    double t = frames == 1 ? 0 : (double) index / (frames - 1);
    double zoom = zoom(t);
    double[] shift = shift(t, zoom);
    return new Region(
        (int) Math.round(PHOTO_FACE.x() * zoom + shift[0]),
        (int) Math.round(PHOTO_FACE.y() * zoom + shift[1]),
        (int) Math.round(PHOTO_FACE.width() * zoom),
        (int) Math.round(PHOTO_FACE.height() * zoom));
  }

  private static double zoom(double t) {
    return 1.3 + 0.4 * t;
  }

  /** The translation that puts the face's centre at (180 + 280t, 190). */
  private static double[] shift(double t, double zoom) {
    double centreX = PHOTO_FACE.x() + PHOTO_FACE.width() / 2.0;
    double centreY = PHOTO_FACE.y() + PHOTO_FACE.height() / 2.0;
    return new double[] {180 + 280 * t - centreX * zoom, 190 - centreY * zoom};
  }

  /** Frame {@code index} of {@code frames}, 640x480 BGR; the caller closes it. */
  public static Mat frame(Mat photo, int index, int frames) {
    double t = frames == 1 ? 0 : (double) index / (frames - 1);
    double zoom = zoom(t);
    double[] shift = shift(t, zoom);
    Mat frame = new Mat();
    try (Mat transform = new Mat(2, 3, opencv_core.CV_64F);
        Size size = new Size(WIDTH, HEIGHT);
        Scalar border = new Scalar(90, 90, 90, 0)) {
      var values = transform.createIndexer();
      ((org.bytedeco.javacpp.indexer.DoubleIndexer) values)
          .put(0, 0, zoom)
          .put(0, 1, 0)
          .put(0, 2, shift[0])
          .put(1, 0, 0)
          .put(1, 1, zoom)
          .put(1, 2, shift[1]);
      values.close();
      opencv_imgproc.warpAffine(
          photo,
          frame,
          transform,
          size,
          opencv_imgproc.INTER_LINEAR,
          opencv_core.BORDER_CONSTANT,
          border);
    }
    return frame;
  }

  /** Writes {@code frames} frames at {@code frameRate} into {@code folder}. */
  public static Video write(Path folder, String name, Codec codec, int frames, double frameRate)
      throws IOException {
    Path file = folder.resolve(name + "." + codec.container);
    avutil.av_log_set_level(
        avutil.AV_LOG_ERROR); // the encoder's banner and OpenH264's notes on its profile
    List<Region> faces = new ArrayList<>(frames);
    try (Mat photo = photo();
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), WIDTH, HEIGHT, 0)) {
      recorder.setFormat(codec.container);
      recorder.setVideoCodecName(codec.encoder);
      recorder.setPixelFormat(codec.pixelFormat);
      recorder.setFrameRate(frameRate);
      recorder.setVideoQuality(codec == Codec.MJPEG ? 2 : -1);
      recorder.setVideoBitrate(2_000_000);
      recorder.setGopSize((int) Math.round(frameRate));
      recorder.start();
      for (int i = 0; i < frames; i++) {
        try (Mat frame = frame(photo, i, frames)) {
          recorder.record(converter.convert(frame));
        }
        faces.add(face(i, frames));
      }
      recorder.stop();
    } catch (FrameRecorder.Exception e) {
      throw new IOException("cannot write test video " + file + ": " + e.getMessage(), e);
    }
    return new Video(file, frameRate, List.copyOf(faces));
  }
}
