package io.emotionstream.data;

import java.util.Random;

/**
 * Multinomial logistic regression on raw pixels, trained by mini-batch gradient descent. It exists
 * only to say how hard a face set is for a linear model, as a yardstick for the CNN.
 */
final class SoftmaxRegression {
  private static final int CLASSES = 7;
  private final float[] weights = new float[CLASSES * FaceSet.PIXELS];
  private final float[] bias = new float[CLASSES];
  private final float[] mean = new float[FaceSet.PIXELS];
  private final float[] scale = new float[FaceSet.PIXELS];

  /** Trains on {@code train}; pixels are standardised per position with the training statistics. */
  static SoftmaxRegression train(
      FaceSet train, int epochs, float learningRate, float l2, long seed) {
    SoftmaxRegression model = new SoftmaxRegression();
    model.fitStandardisation(train);
    float[][] x = new float[train.size()][];
    for (int i = 0; i < train.size(); i++) {
      x[i] = model.features(train.pixels(i));
    }
    int[] order = new int[train.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    int batch = 32;
    float[] gradW = new float[model.weights.length];
    float[] gradB = new float[CLASSES];
    float[] p = new float[CLASSES];
    for (int epoch = 0; epoch < epochs; epoch++) {
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      float rate = learningRate / (1 + epoch * 0.1f);
      for (int start = 0; start < order.length; start += batch) {
        java.util.Arrays.fill(gradW, 0);
        java.util.Arrays.fill(gradB, 0);
        int end = Math.min(order.length, start + batch);
        for (int k = start; k < end; k++) {
          float[] features = x[order[k]];
          model.probabilities(features, p);
          p[train.labelIndex(order[k])] -= 1;
          for (int c = 0; c < CLASSES; c++) {
            float g = p[c];
            int offset = c * FaceSet.PIXELS;
            for (int f = 0; f < FaceSet.PIXELS; f++) {
              gradW[offset + f] += g * features[f];
            }
            gradB[c] += g;
          }
        }
        float n = end - start;
        for (int w = 0; w < model.weights.length; w++) {
          model.weights[w] -= rate * (gradW[w] / n + l2 * model.weights[w]);
        }
        for (int c = 0; c < CLASSES; c++) {
          model.bias[c] -= rate * gradB[c] / n;
        }
      }
    }
    return model;
  }

  /** Share of {@code faces} whose most probable class is their label. */
  double accuracy(FaceSet faces) {
    int correct = 0;
    float[] p = new float[CLASSES];
    for (int i = 0; i < faces.size(); i++) {
      probabilities(features(faces.pixels(i)), p);
      int best = 0;
      for (int c = 1; c < CLASSES; c++) {
        if (p[c] > p[best]) {
          best = c;
        }
      }
      if (best == faces.labelIndex(i)) {
        correct++;
      }
    }
    return (double) correct / faces.size();
  }

  private void fitStandardisation(FaceSet train) {
    double[] sum = new double[FaceSet.PIXELS];
    double[] squares = new double[FaceSet.PIXELS];
    for (int i = 0; i < train.size(); i++) {
      byte[] pixels = train.pixels(i);
      for (int f = 0; f < FaceSet.PIXELS; f++) {
        double v = pixels[f] & 0xFF;
        sum[f] += v;
        squares[f] += v * v;
      }
    }
    for (int f = 0; f < FaceSet.PIXELS; f++) {
      double m = sum[f] / train.size();
      double variance = Math.max(1e-6, squares[f] / train.size() - m * m);
      mean[f] = (float) m;
      scale[f] = (float) (1 / Math.sqrt(variance));
    }
  }

  private float[] features(byte[] pixels) {
    float[] features = new float[FaceSet.PIXELS];
    for (int f = 0; f < FaceSet.PIXELS; f++) {
      features[f] = ((pixels[f] & 0xFF) - mean[f]) * scale[f];
    }
    return features;
  }

  private void probabilities(float[] features, float[] out) {
    float max = Float.NEGATIVE_INFINITY;
    for (int c = 0; c < CLASSES; c++) {
      float z = bias[c];
      int offset = c * FaceSet.PIXELS;
      for (int f = 0; f < FaceSet.PIXELS; f++) {
        z += weights[offset + f] * features[f];
      }
      out[c] = z;
      max = Math.max(max, z);
    }
    float total = 0;
    for (int c = 0; c < CLASSES; c++) {
      out[c] = (float) Math.exp(out[c] - max);
      total += out[c];
    }
    for (int c = 0; c < CLASSES; c++) {
      out[c] /= total;
    }
  }
}
