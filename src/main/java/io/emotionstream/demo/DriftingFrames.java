package io.emotionstream.demo;

import io.emotionstream.data.SyntheticFaces;
import io.emotionstream.producer.FrameInput;
import io.emotionstream.producer.FrameSource;
import io.emotionstream.producer.SyntheticFrames;

/**
 * Synthetic live frames whose look changes when told: the faces the model was trained on until
 * {@link #drift}, then faces of the generator's full variation (head pose, lighting, image quality,
 * occlusion), as when a camera is moved to a darker, busier place.
 */
final class DriftingFrames implements FrameSource {
  private final FrameSource before;
  private final FrameSource after;
  private volatile boolean drifted;

  DriftingFrames(long seed, double labelledFraction, SyntheticFaces.Variation variation) {
    this.before = new SyntheticFrames(seed, labelledFraction, variation);
    this.after = new SyntheticFrames(seed + 1, labelledFraction, SyntheticFaces.Variation.FULL);
  }

  void drift() {
    drifted = true;
  }

  @Override
  public boolean hasNext() {
    return true;
  }

  @Override
  public FrameInput next() {
    return drifted ? after.next() : before.next();
  }

  @Override
  public void close() {}
}
