package io.emotionstream.cli;

import io.emotionstream.producer.video.DetectionSettings;
import io.emotionstream.producer.video.Pacing;
import io.emotionstream.producer.video.ScenePublishing;
import io.emotionstream.producer.video.VideoSettings;
import io.emotionstream.producer.video.VideoSourceSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options of a video source: how it is opened, how faces are found, how fast and how much is
 * kept.
 */
final class VideoOptions {
  @Option(
      names = "--input-format",
      paramLabel = "FMT",
      description =
          "With --video: FFmpeg's input format, when FFmpeg cannot guess it (lavfi for its test sources).")
  String inputFormat;

  @Option(
      names = "--input-option",
      paramLabel = "KEY=VALUE",
      description =
          "With --video or --camera: an FFmpeg input option, repeatable (rtsp_transport=tcp, video_size=640x480, "
              + "framerate=30, …).")
  Map<String, String> inputOptions = new LinkedHashMap<>();

  @Option(
      names = "--cascade",
      defaultValue = DetectionSettings.DEFAULT_CASCADE,
      paramLabel = "NAME|FILE",
      description =
          "Face detector: a cascade shipped with OpenCV (haarcascade_frontalface_alt2, lbpcascade_frontalface_improved, …) "
              + "or a cascade XML file (default ${DEFAULT-VALUE}).")
  String cascade;

  @Option(
      names = "--scale-factor",
      defaultValue = "1.1",
      description = "detectMultiScale's scale step (default ${DEFAULT-VALUE}, the seed's).")
  double scaleFactor;

  @Option(
      names = "--min-neighbors",
      defaultValue = "4",
      description = "detectMultiScale's minNeighbors (default ${DEFAULT-VALUE}, the seed's).")
  int minNeighbors;

  @Option(
      names = "--min-face",
      defaultValue = "48",
      paramLabel = "PIXELS",
      description =
          "Smallest face looked for, in source pixels; the frame is searched shrunk so that this size is the "
              + "cascade's window, so larger values search faster (default ${DEFAULT-VALUE}).")
  int minFace;

  @Option(
      names = "--detection-threads",
      paramLabel = "N",
      description =
          "Frames searched for faces at once, one per thread (default: one per core, up to 4).")
  Integer detectionThreads;

  @Option(
      names = "--as-fast-as-possible",
      description =
          "With a video file: read it as fast as faces are found, dropping nothing (default: at its own frame rate).")
  boolean asFastAsPossible;

  @Option(
      names = "--every",
      defaultValue = "1",
      paramLabel = "N",
      description = "Keep every N-th frame of the source (default ${DEFAULT-VALUE}: all).")
  int every;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      paramLabel = "D",
      description =
          "Stop after this long, such as 30s or 5m (default: until the source ends or Ctrl-C).")
  Duration duration;

  @Option(
      names = "--reconnect",
      description =
          "When a stream or camera drops or ends, open it again, waiting 0.5 s, 1 s, … up to 10 s between tries.")
  boolean reconnect;

  @Option(
      names = "--loop",
      description = "With a video file: play it again from the start whenever it ends.")
  boolean loop;

  @Option(
      names = "--queue",
      defaultValue = "" + VideoSettings.DEFAULT_QUEUE,
      paramLabel = "N",
      description =
          "Decoded frames that may wait for face detection; beyond that the oldest is dropped (default ${DEFAULT-VALUE}).")
  int queue;

  @Option(
      names = "--publish-scenes",
      description =
          "Also publish the whole frames, as JPEG, to the scenes topic, for `emotion watch` and the dashboard's live video.")
  boolean publishScenes;

  @Option(
      names = "--scene-rate",
      defaultValue = "0",
      paramLabel = "FRAMES/S",
      description =
          "With --publish-scenes: at most this many frames a second; 0 for every searched frame (default).")
  double sceneRate;

  @Option(
      names = "--scene-quality",
      defaultValue = "" + ScenePublishing.DEFAULT_QUALITY,
      paramLabel = "1-100",
      description = "With --publish-scenes: JPEG quality (default ${DEFAULT-VALUE}).")
  int sceneQuality;

  /**
   * @param rate frames per second asked for with --rate, or null
   * @param limit decoded frames to stop after, 0 for no limit
   */
  VideoSettings settings(VideoSourceSpec source, Double rate, long limit) {
    Pacing pacing =
        asFastAsPossible
            ? Pacing.asFastAsPossible()
            : rate != null && rate > 0 ? Pacing.rate(rate) : Pacing.ownRate();
    return new VideoSettings(
        source,
        new DetectionSettings(
            cascade,
            scaleFactor,
            minNeighbors,
            minFace,
            detectionThreads == null ? DetectionSettings.DEFAULT_THREADS : detectionThreads),
        pacing,
        every,
        limit,
        duration == null ? Duration.ZERO : duration,
        reconnect,
        loop,
        queue,
        new ScenePublishing(publishScenes, sceneRate, sceneQuality));
  }
}
