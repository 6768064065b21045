package io.emotionstream.watch;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * The annotated scenes of one source as a video file, one frame per scene, through FFmpeg. The size
 * is the first scene's (rounded down to even, as 4:2:0 video needs; other sizes are scaled to it);
 * the frame rate is given or taken from the first two scenes' times, so the first scene is held
 * until the second comes.
 */
public final class VideoFileWriter implements AnnotatedSceneWriter {
  /** When the rate cannot be told from the scenes (one scene only, or two at the same time). */
  public static final double FALLBACK_FRAMES_PER_SECOND = 10;

  private static final double MAX_FRAMES_PER_SECOND = 120;

  /**
   * The video types written, by file extension: an encoder FFmpeg's build here has, in a container
   * that takes it.
   */
  public enum Container {
    MP4("mp4", "mp4", "libopenh264", avutil.AV_PIX_FMT_YUV420P),
    MKV("mkv", "matroska", "libopenh264", avutil.AV_PIX_FMT_YUV420P),
    AVI("avi", "avi", "mjpeg", avutil.AV_PIX_FMT_YUVJ420P),
    WEBM("webm", "webm", "libvpx", avutil.AV_PIX_FMT_YUV420P);

    final String extension;
    final String format;
    final String encoder;
    final int pixelFormat;

    Container(String extension, String format, String encoder, int pixelFormat) {
      this.extension = extension;
      this.format = format;
      this.encoder = encoder;
      this.pixelFormat = pixelFormat;
    }

    public static Optional<Container> byExtension(String extension) {
      return Arrays.stream(values()).filter(c -> c.extension.equals(extension)).findFirst();
    }
  }

  private final Path file;
  private final Container container;
  private final double requestedRate;
  private final Java2DFrameConverter converter = new Java2DFrameConverter();
  private FFmpegFrameRecorder recorder;
  private AnnotatedScene heldScene;
  private BufferedImage heldPicture;
  private int width;
  private int height;
  private double rate;
  private long written;

  /**
   * @param framesPerSecond 0 to take the rate from the scenes' times
   */
  public VideoFileWriter(Path file, Container container, double framesPerSecond)
      throws IOException {
    if (framesPerSecond < 0 || framesPerSecond > MAX_FRAMES_PER_SECOND) {
      throw new IllegalArgumentException(
          "--fps must be 0 (from the scenes) to "
              + MAX_FRAMES_PER_SECOND
              + ", got "
              + framesPerSecond);
    }
    Path folder = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException(
          "--out " + file + ": folder " + folder + " does not exist");
    }
    this.file = file;
    this.container = container;
    this.requestedRate = framesPerSecond;
    try {
      FFmpegFrameRecorder.tryLoad();
    } catch (Exception | UnsatisfiedLinkError e) {
      throw new IOException("cannot load FFmpeg's native libraries: " + e.getMessage(), e);
    }
    avutil.av_log_set_level(avutil.AV_LOG_ERROR); // no banner, no encoder notes on stderr
  }

  @Override
  public void write(AnnotatedScene scene, BufferedImage picture) throws IOException {
    if (recorder == null) {
      if (requestedRate == 0 && heldScene == null) {
        heldScene = scene;
        heldPicture = picture;
        return;
      }
      BufferedImage first = heldPicture != null ? heldPicture : picture;
      start(
          first.getWidth(),
          first.getHeight(),
          requestedRate > 0 ? requestedRate : rateBetween(heldScene, scene));
      if (heldPicture != null) {
        record(heldPicture);
        heldScene = null;
        heldPicture = null;
      }
    }
    record(picture);
  }

  /** Frames per second from two scenes' times, within 0.1 to 120. */
  static double rateBetween(AnnotatedScene first, AnnotatedScene second) {
    long gapMs = second.scene().getSceneTimeMs() - first.scene().getSceneTimeMs();
    if (gapMs <= 0) {
      return FALLBACK_FRAMES_PER_SECOND;
    }
    return Math.max(0.1, Math.min(MAX_FRAMES_PER_SECOND, 1000.0 / gapMs));
  }

  private void start(int pictureWidth, int pictureHeight, double framesPerSecond)
      throws IOException {
    width = Math.max(2, pictureWidth & ~1);
    height = Math.max(2, pictureHeight & ~1);
    rate = framesPerSecond;
    FFmpegFrameRecorder starting = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
    starting.setFormat(container.format);
    starting.setVideoCodecName(container.encoder);
    starting.setPixelFormat(container.pixelFormat);
    starting.setFrameRate(framesPerSecond);
    starting.setGopSize((int) Math.max(1, Math.round(framesPerSecond)));
    if (container == Container.AVI) {
      starting.setVideoQuality(2); // MJPEG's quantiser: 2 keeps the label text sharp
    } else {
      // About a quarter of a bit per pixel: labels stay legible without a large file.
      starting.setVideoBitrate(
          (int) Math.max(400_000, Math.min(20_000_000, width * height * framesPerSecond / 4)));
    }
    if (container == Container.WEBM) {
      starting.setVideoOption("deadline", "realtime");
      starting.setVideoOption("cpu-used", "8");
    }
    try {
      starting.start();
    } catch (FFmpegFrameRecorder.Exception e) {
      starting.release();
      throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    recorder = starting;
  }

  private void record(BufferedImage picture) throws IOException {
    BufferedImage sized =
        picture.getWidth() == width && picture.getHeight() == height ? picture : scaled(picture);
    recorder.record(converter.convert(sized));
    written++;
  }

  private BufferedImage scaled(BufferedImage picture) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(picture, 0, 0, width, height, null);
    g.dispose();
    return out;
  }

  @Override
  public String describe() {
    return written == 0
        ? "no frame in " + file
        : String.format(
            Locale.ROOT,
            "%d frames of %dx%d at %.2f frames/s in %s",
            written,
            width,
            height,
            rate,
            file);
  }

  @Override
  public void close() throws IOException {
    if (recorder == null && heldPicture != null) {
      start(heldPicture.getWidth(), heldPicture.getHeight(), FALLBACK_FRAMES_PER_SECOND);
      record(heldPicture);
    }
    if (recorder != null) {
      try {
        recorder.stop(); // writes the trailer: an mp4 without it does not play
      } finally {
        recorder.release();
        recorder = null;
      }
    }
  }
}
