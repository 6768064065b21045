package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class BilinearSamplerTest {
  private static final int ROUNDS = 30;

  @Test
  void matchesTorchGridSampleOutputsAndGradients() {
    Engine engine = Engine.getInstance();
    try (NDManager manager = NDManager.newBaseManager()) {
      ReferenceFixture fixture = ReferenceFixture.load(manager, "grid_sample.npz");
      for (int c = 0; c < 2; c++) {
        String p = "case" + c + ".";
        NDArray input = fixture.get(p + "input");
        NDArray theta = fixture.get(p + "theta");
        input.setRequiresGradient(true);
        theta.setRequiresGradient(true);
        int height = (int) input.getShape().get(2);
        int width = (int) input.getShape().get(3);
        NDArray output;
        try (GradientCollector collector = engine.newGradientCollector()) {
          output =
              BilinearSampler.sample(
                  input, AffineGrid.generate(theta, height, width), height, width);
          collector.backward(output.mul(fixture.get(p + "upstream")).sum());
        }
        float outputDiff = ReferenceFixture.maxAbsDiff(output, fixture.get(p + "output"));
        float inputGradDiff =
            ReferenceFixture.maxAbsDiff(input.getGradient(), fixture.get(p + "gradInput"));
        float thetaGradDiff =
            ReferenceFixture.maxAbsDiff(theta.getGradient(), fixture.get(p + "gradTheta"));
        float thetaScale = Math.max(1f, fixture.get(p + "gradTheta").abs().max().getFloat());
        System.out.printf(
            "case %d: output %.2e, grad input %.2e, grad theta %.2e of %.1f%n",
            c, outputDiff, inputGradDiff, thetaGradDiff, thetaScale);
        assertTrue(outputDiff <= 1e-5, p + "output differs by " + outputDiff);
        assertTrue(inputGradDiff <= 1e-5, p + "input gradient differs by " + inputGradDiff);
        // theta's gradient sums over every output pixel, so its float32 noise scales with their
        // count.
        assertTrue(
            thetaGradDiff <= 1e-5 * thetaScale, p + "theta gradient differs by " + thetaGradDiff);
      }
    }
  }

  /** Without {@link Scalars}, round 0 already gives a NaN gradient. */
  @Test
  void thetasGradientHoldsWhenTheCollectorFreesJavaBuffersBetweenForwardAndBackward() {
    Engine engine = Engine.getInstance();
    try (NDManager manager = NDManager.newBaseManager()) {
      engine.setRandomSeed(3);
      NDArray image = manager.randomUniform(-1, 1, new Shape(8, 1, 48, 48));
      NDArray theta =
          manager
              .create(new float[] {1.02f, 0.03f, -0.05f, -0.02f, 0.97f, 0.04f})
              .reshape(1, 2, 3)
              .repeat(0, 8);
      NDArray upstream = manager.randomNormal(new Shape(8, 1, 48, 48));
      float[] expected = thetaGradient(engine, manager, image, theta, upstream, false);
      for (int round = 0; round < ROUNDS; round++) {
        float[] gradient = thetaGradient(engine, manager, image, theta, upstream, true);
        assertArrayEquals(expected, gradient, "round " + round);
      }
    }
  }

  private static float[] thetaGradient(
      Engine engine,
      NDManager manager,
      NDArray image,
      NDArray theta,
      NDArray upstream,
      boolean collectBetween) {
    try (NDManager batch = manager.newSubManager()) {
      NDArray t = theta.duplicate();
      t.attach(batch);
      t.setRequiresGradient(true);
      try (GradientCollector collector = engine.newGradientCollector()) {
        NDArray output = BilinearSampler.sample(image, AffineGrid.generate(t, 48, 48), 48, 48);
        if (collectBetween) {
          FreedJavaBuffers.overwrite();
        }
        collector.backward(output.mul(upstream).sum());
      }
      return t.getGradient().toFloatArray();
    }
  }
}
