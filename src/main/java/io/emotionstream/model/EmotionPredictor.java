package io.emotionstream.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Batched inference: 48x48 grayscale faces in, the 7 class probabilities (FER2013 order) out. Holds
 * its own copy of the weights; not thread-safe, so use one per thread.
 */
public final class EmotionPredictor implements AutoCloseable {
  public static final int DEFAULT_MAX_BATCH = 128;

  private final EmotionModel model;
  private final int maxBatch;

  private EmotionPredictor(EmotionModel model, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("max batch must be at least 1, got " + maxBatch);
    }
    this.model = model;
    this.maxBatch = maxBatch;
  }

  public static EmotionPredictor of(ModelWeights weights, Device device, int maxBatch) {
    // Dropout is inactive in inference, so its rate does not matter here.
    return new EmotionPredictor(EmotionModel.withWeights(weights, 0f, device), maxBatch);
  }

  public static EmotionPredictor of(Checkpoint checkpoint) {
    return of(checkpoint.weights(), EmotionModel.preferredDevice(), DEFAULT_MAX_BATCH);
  }

  public static EmotionPredictor load(Path checkpointFile) throws IOException {
    return of(CheckpointFile.read(checkpointFile));
  }

  /**
   * @param faces each 2,304 row-major pixel bytes
   * @return per face, 7 probabilities summing to 1
   */
  public float[][] predict(byte[][] faces) {
    float[][] probabilities = new float[faces.length][];
    for (int from = 0; from < faces.length; from += maxBatch) {
      int to = Math.min(faces.length, from + maxBatch);
      byte[][] batch = java.util.Arrays.copyOfRange(faces, from, to);
      try (NDManager scratch = model.manager().newSubManager()) {
        NDArray input = FaceTensor.fromFaces(scratch, batch);
        float[] flat = model.forward(input, false).softmax(1).toFloatArray();
        for (int i = 0; i < batch.length; i++) {
          probabilities[from + i] =
              java.util.Arrays.copyOfRange(
                  flat, i * DeepEmotion.CLASSES, (i + 1) * DeepEmotion.CLASSES);
        }
      }
    }
    return probabilities;
  }

  /** The most probable class of each face, as FER2013 indices. */
  public int[] classify(byte[][] faces) {
    float[][] probabilities = predict(faces);
    int[] classes = new int[faces.length];
    for (int i = 0; i < faces.length; i++) {
      classes[i] = argMax(probabilities[i]);
    }
    return classes;
  }

  static int argMax(float[] values) {
    int best = 0;
    for (int k = 1; k < values.length; k++) {
      if (values[k] > values[best]) {
        best = k;
      }
    }
    return best;
  }

  @Override
  public void close() {
    model.close();
  }
}
