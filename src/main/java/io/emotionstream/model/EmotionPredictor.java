package io.emotionstream.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Batched inference with one network in evaluation mode (no dropout, BatchNorm on running
 * statistics): 48x48 faces in, seven probabilities each out. Not thread-safe: one per thread.
 */
public final class EmotionPredictor implements AutoCloseable {
  private final EmotionModel model;

  private EmotionPredictor(EmotionModel model) {
    this.model = model;
  }

  public static EmotionPredictor of(ModelWeights weights, Device device) {
    return new EmotionPredictor(EmotionModel.withWeights(weights, 0f, device));
  }

  public static EmotionPredictor of(Checkpoint checkpoint) {
    return of(checkpoint.weights(), EmotionModel.preferredDevice());
  }

  /** Softmax probabilities in Emotion order, one row per face. */
  public float[][] probabilities(byte[][] faces) {
    float[][] result = new float[faces.length][];
    if (faces.length == 0) {
      return result;
    }
    // A manager per batch frees the batch's native memory at once instead of at garbage collection.
    try (NDManager batch = model.manager().newSubManager()) {
      NDArray input = FaceTensor.fromFaces(batch, faces);
      float[] flat = model.forward(input, false).softmax(1).toFloatArray();
      int classes = DeepEmotion.CLASSES;
      for (int i = 0; i < faces.length; i++) {
        float[] row = new float[classes];
        System.arraycopy(flat, i * classes, row, 0, classes);
        result[i] = row;
      }
    }
    return result;
  }

  public Device device() {
    return model.device();
  }

  @Override
  public void close() {
    model.close();
  }
}
