package io.emotionstream.producer.video;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;

/**
 * Loads FFmpeg's natives once (JavaCPP unpacks them from the Maven artifact; nothing is downloaded)
 * and turns FFmpeg's error codes into words.
 *
 * <p>Files and network streams need only libavformat. Cameras and FFmpeg's generated sources need
 * libavdevice, whose build links the PulseAudio client library: on a machine without it, those
 * inputs are refused with the package to install, and everything else still works.
 */
final class FfmpegLibraries {
  private static final Pattern ERROR_CODE = Pattern.compile("error (-?\\d+)");
  private static Exception devicesMissing;
  private static boolean loaded;

  private FfmpegLibraries() {}

  static synchronized void load(boolean devices) throws VideoSourceException {
    if (!loaded) {
      try {
        FFmpegFrameGrabber.tryLoad();
      } catch (Exception e) {
        devicesMissing = e; // thrown by the device library, the last it loads
      } catch (UnsatisfiedLinkError e) {
        throw new VideoSourceException(
            "cannot load FFmpeg's native libraries: " + e.getMessage(), e);
      }
      // FFmpeg would print its banner, a warning per damaged packet (which the decoder conceals)
      // and its
      // own line for every failure we report in words anyway.
      avutil.av_log_set_level(avutil.AV_LOG_FATAL);
      loaded = true;
    }
    if (devices && devicesMissing != null) {
      Throwable cause =
          devicesMissing.getCause() == null ? devicesMissing : devicesMissing.getCause();
      String why = String.valueOf(cause.getMessage());
      throw new VideoSourceException(
          "cameras and FFmpeg device inputs need FFmpeg's device library, which did not load"
              + (why.contains("libpulse")
                  ? " for want of libpulse.so.0: install it (Debian/Ubuntu: apt-get install libpulse0)"
                  : ": " + why),
          devicesMissing);
    }
  }

  /** FFmpeg's own words for an error code, such as "No such file or directory". */
  static String describe(int code) {
    try (BytePointer text = new BytePointer(256)) {
      if (avutil.av_strerror(code, text, 256) != 0) {
        return "FFmpeg error " + code;
      }
      byte[] bytes = new byte[256];
      text.get(bytes);
      int end = 0;
      while (end < bytes.length && bytes[end] != 0) {
        end++;
      }
      return new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /**
   * The words for the error code inside a JavaCV exception message, or its message if it holds
   * none.
   */
  static String describe(Exception e) {
    String message = String.valueOf(e.getMessage());
    Matcher code = ERROR_CODE.matcher(message);
    return code.find()
        ? describe(Integer.parseInt(code.group(1)))
        : message.replace(
            " (For more details, make sure FFmpegLogCallback.set() has been called.)", "");
  }
}
