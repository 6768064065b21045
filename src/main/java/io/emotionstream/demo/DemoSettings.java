package io.emotionstream.demo;

import io.emotionstream.data.SyntheticFaces;
import io.emotionstream.producer.video.VideoSourceSpec;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the single-machine demo does. The defaults finish in under five minutes on two cores.
 *
 * @param fer2013 a real FER2013 CSV to train on; null for a synthetic set
 * @param perClass synthetic faces per emotion
 * @param variation how much pose, lighting, image quality and occlusion vary in the synthetic faces
 * @param epochs epochs of the RETRAIN the demo sends
 * @param frameRate live frames per second while it runs
 * @param labelledFraction share of live frames that carry their true emotion, for rolling accuracy
 * @param dashboardPort 0 for a free port; negative for no dashboard
 * @param video a video file or stream whose faces are streamed (a file looped, a stream
 *     reconnected, in real time, with its scenes for the dashboard's live picture) instead of
 *     synthetic frames; null for synthetic frames
 * @param drift whether the live frames change midway and the system is to retrain and recover on
 *     its own
 */
public record DemoSettings(
    Duration duration,
    Path fer2013,
    int perClass,
    SyntheticFaces.Variation variation,
    int epochs,
    int batchSize,
    double learningRate,
    double frameRate,
    double labelledFraction,
    int dashboardPort,
    Path workDirectory,
    long seed,
    VideoSourceSpec video,
    boolean drift) {

  public DemoSettings {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive");
    }
    if (drift && video != null) {
      throw new IllegalArgumentException(
          "--drift changes the synthetic live frames; it cannot be used with --video");
    }
    if (perClass < 10) {
      throw new IllegalArgumentException("at least 10 faces per class, got " + perClass);
    }
  }
}
