package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AffineResamplerTest {

  @Test
  void givesTheTrainingSamplersValuesBitForBit() {
    SplittableRandom random = new SplittableRandom(11);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      for (int round = 0; round < 20; round++) {
        int count = 1 + round % 4;
        int channels = round % 3 == 0 ? 2 : 1;
        // the network's 48x48, and odd sides whose pixel centres are not symmetric in floats
        int height = round % 2 == 0 ? 48 : 17;
        int width = round % 2 == 0 ? 48 : 23;
        float[] images = new float[count * channels * height * width];
        for (int i = 0; i < images.length; i++) {
          images[i] = (float) (random.nextDouble() * 2 - 1);
        }
        // near the identity, as a trained network's thetas are, and far from it: zooms, turns,
        // shifts
        // that reach past the border (zero padding)
        double spread = round < 10 ? 0.1 : 0.6;
        float[] thetas = new float[count * 6];
        for (int i = 0; i < thetas.length; i++) {
          float identity = i % 6 == 0 || i % 6 == 4 ? 1f : 0f;
          thetas[i] = (float) (identity + (random.nextDouble() * 2 - 1) * spread);
        }
        NDArray image = manager.create(images, new Shape(count, channels, height, width));
        NDArray theta = manager.create(thetas, new Shape(count, 2, 3));
        float[] expected =
            BilinearSampler.sample(image, AffineGrid.generate(theta, height, width), height, width)
                .toFloatArray();
        float[] resampled =
            AffineResampler.resample(images, thetas, count, channels, height, width);
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], resampled[i], 0f, "round " + round + ", value " + i);
        }
      }
    }
  }

  @Test
  void matchesTorchGridSample() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ReferenceFixture fixture = ReferenceFixture.load(manager, "grid_sample.npz");
      for (int c = 0; c < 2; c++) {
        String p = "case" + c + ".";
        NDArray input = fixture.get(p + "input");
        Shape shape = input.getShape();
        float[] resampled =
            AffineResampler.resample(
                input.toFloatArray(),
                fixture.get(p + "theta").toFloatArray(),
                (int) shape.get(0),
                (int) shape.get(1),
                (int) shape.get(2),
                (int) shape.get(3));
        float diff =
            ReferenceFixture.maxAbsDiff(
                manager.create(resampled, shape), fixture.get(p + "output"));
        assertTrue(diff <= 1e-5, p + "output differs by " + diff);
      }
    }
  }
}
