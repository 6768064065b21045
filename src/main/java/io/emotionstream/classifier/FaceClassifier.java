package io.emotionstream.classifier;

/** One loaded model version, confined to one stream thread. */
public interface FaceClassifier extends AutoCloseable {

  /** Seven probabilities in Emotion order for each 48x48 face. */
  float[][] probabilities(byte[][] faces);

  @Override
  void close();
}
