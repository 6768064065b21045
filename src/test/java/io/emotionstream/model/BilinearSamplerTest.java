package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class BilinearSamplerTest {

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
          output = BilinearSampler.sample(input, AffineGrid.generate(theta, height, width), height, width);
          collector.backward(output.mul(fixture.get(p + "upstream")).sum());
        }
        float outputDiff = ReferenceFixture.maxAbsDiff(output, fixture.get(p + "output"));
        float inputGradDiff = ReferenceFixture.maxAbsDiff(input.getGradient(), fixture.get(p + "gradInput"));
        float thetaGradDiff = ReferenceFixture.maxAbsDiff(theta.getGradient(), fixture.get(p + "gradTheta"));
        float thetaScale = Math.max(1f, fixture.get(p + "gradTheta").abs().max().getFloat());
        System.out.printf("case %d: output %.2e, grad input %.2e, grad theta %.2e of %.1f%n",
            c, outputDiff, inputGradDiff, thetaGradDiff, thetaScale);
        assertTrue(outputDiff <= 1e-5, p + "output differs by " + outputDiff);
        assertTrue(inputGradDiff <= 1e-5, p + "input gradient differs by " + inputGradDiff);
        // theta's gradient sums over every output pixel, so its float32 noise scales with their count.
        assertTrue(thetaGradDiff <= 1e-5 * thetaScale, p + "theta gradient differs by " + thetaGradDiff);
      }
    }
  }
}
