package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class ClassificationLossTest {

  @Test
  void labelSmoothingPutsOneMinusSOnTheTruthAndSOverTheClasses() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray logits = manager.create(new float[] {2f, 0f, 0f, 0f, 0f, 0f, 0f}, new Shape(1, 7));
      NDArray labels = manager.create(new long[] {0});
      float[] logProbabilities = logits.logSoftmax(1).toFloatArray();
      double uniform = 0;
      for (float p : logProbabilities) {
        uniform += p / 7;
      }
      double expected = -(0.9 * logProbabilities[0] + 0.1 * uniform);
      assertEquals(expected, ClassificationLoss.mean(logits, labels, 0.1f).getFloat(), 1e-6);
    }
  }

  /** Without {@link Scalars}, round 0 already gives NaN. */
  @Test
  void theSmoothedLossesGradientHoldsWhenTheCollectorFreesJavaBuffersBetweenForwardAndBackward() {
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed(4);
      NDArray logits = manager.randomNormal(new Shape(8, 7));
      NDArray labels = manager.create(new long[] {0, 1, 2, 3, 4, 5, 6, 0});
      float[] expected = gradient(manager, logits, labels, false);
      for (int round = 0; round < 30; round++) {
        assertArrayEquals(expected, gradient(manager, logits, labels, true), "round " + round);
      }
    }
  }

  private static float[] gradient(
      NDManager manager, NDArray logits, NDArray labels, boolean collectBetween) {
    try (NDManager batch = manager.newSubManager()) {
      NDArray x = logits.duplicate();
      x.attach(batch);
      x.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray loss = ClassificationLoss.mean(x, labels, 0.1f);
        if (collectBetween) {
          FreedJavaBuffers.overwrite();
        }
        collector.backward(loss);
      }
      return x.getGradient().toFloatArray();
    }
  }
}
