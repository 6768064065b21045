package io.emotionstream.producer.video;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What to open and how: a video file, a network stream (RTSP, HTTP, anything FFmpeg opens by URL),
 * a V4L2 camera, or any input FFmpeg reads through a named input format (its {@code lavfi} test
 * sources, for instance). Everything but a file is live: it runs in real time and cannot wait for
 * us.
 *
 * @param address what FFmpeg opens: a path, a URL, a device or a format's own argument
 * @param format FFmpeg's input format, or null to let it guess from the address
 * @param options FFmpeg options for the input (such as {@code video_size=640x480} for a camera)
 */
public record VideoSourceSpec(
    Kind kind, String address, String format, Map<String, String> options) {
  private static final Pattern URL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
  private static final Pattern CAMERA_NUMBER = Pattern.compile("\\d{1,3}");
  static final String CAMERA_FORMAT = "video4linux2";

  public enum Kind {
    FILE("video file"),
    STREAM("stream"),
    CAMERA("camera"),
    DEVICE("input");

    private final String noun;

    Kind(String noun) {
      this.noun = noun;
    }
  }

  public VideoSourceSpec {
    options = Map.copyOf(options);
  }

  /**
   * A video given on the command line: a URL is a stream; with an input format, whatever that
   * format reads; otherwise a file, which must exist.
   */
  public static VideoSourceSpec of(String video, String format, Map<String, String> options) {
    if (video == null || video.isBlank()) {
      throw new IllegalArgumentException(
          "no video given: name a file, a URL such as rtsp://camera/stream, or a camera");
    }
    if (URL.matcher(video).matches() && !video.startsWith("file://")) {
      return new VideoSourceSpec(Kind.STREAM, video, format, options);
    }
    Path file = video.startsWith("file://") ? Path.of(URI.create(video)) : Path.of(video);
    if (Files.isRegularFile(file)) {
      return new VideoSourceSpec(Kind.FILE, file.toString(), format, options);
    }
    if (format != null) {
      return new VideoSourceSpec(Kind.DEVICE, video, format, options);
    }
    throw new IllegalArgumentException(
        Files.exists(file)
            ? video
                + " is not a file: give a video file, a URL, or --input-format for anything else"
            : "no such file: "
                + video
                + " (give a video file, a URL such as rtsp://host/stream, or --camera)");
  }

  /** A V4L2 camera by number (0 is /dev/video0) or by device path. */
  public static VideoSourceSpec camera(String which, Map<String, String> options) {
    String device = CAMERA_NUMBER.matcher(which).matches() ? "/dev/video" + which : which;
    return new VideoSourceSpec(Kind.CAMERA, device, CAMERA_FORMAT, options);
  }

  /**
   * A file read as fast as it decodes or at its own frame rate; everything else comes in real time.
   */
  public boolean live() {
    return kind != Kind.FILE;
  }

  /** Options with the defaults that keep a dead network peer from blocking a read forever. */
  Map<String, String> effectiveOptions() {
    Map<String, String> effective = new LinkedHashMap<>();
    if (kind == Kind.STREAM) {
      // Microseconds. rw_timeout covers byte-stream protocols (HTTP, TCP); RTSP has its own socket
      // timeout.
      effective.put("rw_timeout", "10000000");
      if (address.regionMatches(true, 0, "rtsp", 0, 4)) {
        effective.put("timeout", "10000000");
      }
    }
    effective.putAll(options);
    return effective;
  }

  /** How the source is named in messages, with any password in a URL hidden. */
  public String describe() {
    String shown = kind == Kind.STREAM ? address.replaceFirst("://[^/@]*@", "://***@") : address;
    return kind.noun + " " + shown + (kind == Kind.DEVICE ? " (" + format + ")" : "");
  }
}
