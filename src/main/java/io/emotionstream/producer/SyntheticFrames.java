package io.emotionstream.producer;

import io.emotionstream.avro.Emotion;
import io.emotionstream.data.FaceSet;
import io.emotionstream.data.SyntheticFaces;
import java.util.Random;

/**
 * An endless stream of synthetic faces, emotions drawn uniformly; a chosen fraction carry their
 * true emotion as a label, so the classifier's rolling accuracy has something to score.
 */
public final class SyntheticFrames implements FrameSource {
  private final Random random;
  private final long seed;
  private final double labelledFraction;
  private final SyntheticFaces.Variation variation;
  private long index;

  public SyntheticFrames(long seed, double labelledFraction) {
    this(seed, labelledFraction, SyntheticFaces.Variation.FULL);
  }

  public SyntheticFrames(long seed, double labelledFraction, SyntheticFaces.Variation variation) {
    if (labelledFraction < 0 || labelledFraction > 1) {
      throw new IllegalArgumentException(
          "labelled fraction must be in 0..1, got " + labelledFraction);
    }
    this.random = new Random(seed);
    this.seed = seed;
    this.labelledFraction = labelledFraction;
    this.variation = variation;
  }

  @Override
  public boolean hasNext() {
    return true;
  }

  @Override
  public FrameInput next() {
    Emotion emotion = Emotion.values()[random.nextInt(Emotion.values().length)];
    long face = index++;
    byte[] pixels = SyntheticFaces.face(emotion, SyntheticFaces.faceRandom(seed, face), variation);
    Emotion label = random.nextDouble() < labelledFraction ? emotion : null;
    return new FrameInput.Image("synthetic-" + face, FaceSet.SIDE, FaceSet.SIDE, pixels, label);
  }

  @Override
  public void close() {}
}
