package io.emotionstream.producer.video;

import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes a source's video frames with FFmpeg (JavaCV's grabber), as BGR pictures, or straight to
 * gray when nobody needs the colour (FFmpeg then only scales the luma plane, and no conversion
 * follows). One thread reads it. Opening fails with what is wrong in words ("no such file",
 * "connection refused", "not a video"); a read that fails after that is the stream dropping.
 */
final class FfmpegVideoSource implements AutoCloseable {
  private final VideoSourceSpec spec;
  private final FFmpegFrameGrabber grabber;
  private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();

  private FfmpegVideoSource(VideoSourceSpec spec, FFmpegFrameGrabber grabber) {
    this.spec = spec;
    this.grabber = grabber;
  }

  static FfmpegVideoSource open(VideoSourceSpec spec, boolean colour) throws VideoSourceException {
    FfmpegLibraries.load(
        spec.kind() == VideoSourceSpec.Kind.CAMERA || spec.kind() == VideoSourceSpec.Kind.DEVICE);
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(spec.address());
    if (spec.format() != null) {
      grabber.setFormat(spec.format());
    }
    for (Map.Entry<String, String> option : spec.effectiveOptions().entrySet()) {
      grabber.setOption(option.getKey(), option.getValue());
    }
    grabber.setPixelFormat(colour ? avutil.AV_PIX_FMT_BGR24 : avutil.AV_PIX_FMT_GRAY8);
    try {
      // JavaCV's start() holds one process-wide lock for the whole open, so a stream slow to answer
      // (up to
      // its 10 s timeout) would stall every other source and recorder in the process. FFmpeg opens
      // codecs
      // thread-safely since 4.0, so the lock protects nothing here.
      grabber.startUnsafe();
    } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
      release(grabber);
      throw new VideoSourceException(
          "cannot open " + spec.describe() + ": " + FfmpegLibraries.describe(e) + hint(spec), e);
    }
    if (grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
      release(grabber);
      throw new VideoSourceException(spec.describe() + " has no video stream");
    }
    return new FfmpegVideoSource(spec, grabber);
  }

  private static String hint(VideoSourceSpec spec) {
    return switch (spec.kind()) {
      case CAMERA -> " (is a camera attached? `ls /dev/video*` lists the cameras this machine has)";
      case FILE -> " (not a video FFmpeg can read?)";
      default -> "";
    };
  }

  VideoSourceSpec spec() {
    return spec;
  }

  int width() {
    return grabber.getImageWidth();
  }

  int height() {
    return grabber.getImageHeight();
  }

  /** Frames per second the source declares; 0 when it declares none. */
  double frameRate() {
    double rate = grabber.getFrameRate();
    return Double.isFinite(rate) && rate > 0 && rate < 1000 ? rate : 0;
  }

  /**
   * The next frame, its pixels copied out of the grabber's buffer (which the next read overwrites),
   * or null at the end of the source.
   */
  DecodedScene read(long index) throws VideoSourceException {
    Frame frame;
    try {
      frame = grabber.grabImage();
    } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
      throw new VideoSourceException(
          "reading " + spec.describe() + " failed: " + FfmpegLibraries.describe(e), e);
    }
    if (frame == null || frame.image == null) {
      return null;
    }
    Mat view = converter.convertToMat(frame);
    long sourceTimeMs = Math.max(0, frame.timestamp / 1000);
    return new DecodedScene(view.clone(), index, sourceTimeMs, System.currentTimeMillis());
  }

  @Override
  public void close() {
    release(grabber);
    converter.close();
  }

  private static void release(FFmpegFrameGrabber grabber) {
    try {
      grabber.release();
    } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
      // Closing a source that failed; there is nothing left to save.
    }
  }
}
