package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamStepParityTest {
  private static final float GRADIENT_TOLERANCE = 1e-5f;

  @Test
  void oneAdamStepMatchesTorchLossGradientsAndUpdatedWeights() throws IOException {
    ModelWeights start = ModelWeights.readNpz(ReferenceFixture.path("state_dict.npz"));
    try (EmotionModel model = EmotionModel.withWeights(start, 0f, Device.cpu());
        NDManager scratch = model.manager().newSubManager()) {
      ReferenceFixture fixture = ReferenceFixture.load(scratch, "adam_step.npz");
      float lr = fixture.get("lr").getFloat();
      Hyperparameters adam = Hyperparameters.DEFAULTS.withDropout(0).withLearningRate(lr);
      NDArray pixels = fixture.get("pixels");
      NDArray input =
          FaceTensor.fromPixels(
              scratch, ReferenceFixture.pixelBytes(pixels), (int) pixels.getShape().get(0));
      NDArray labels = fixture.get("labels").toType(DataType.INT64, true);

      TrainingLoop.BatchOutcome outcome;
      try (TrainingLoop loop = new TrainingLoop(model, adam)) {
        outcome = loop.trainBatch(scratch, input, labels);
      }

      assertEquals(fixture.get("loss").getFloat(), outcome.loss(), 1e-5, "loss");
      int compared = 0;
      for (Map.Entry<String, Parameter> entry : model.parameters().entrySet()) {
        String name = entry.getKey();
        NDArray after = entry.getValue().getArray();
        float[] expectedAfter = fixture.get("after." + name).toFloatArray();
        float[] actualAfter = after.toFloatArray();
        float[] gradient = null;
        if (entry.getValue().requiresGradient()) {
          NDArray referenceGradient = fixture.get("grad." + name);
          float gradientDiff = ReferenceFixture.maxAbsDiff(after.getGradient(), referenceGradient);
          assertTrue(
              gradientDiff <= GRADIENT_TOLERANCE, name + " gradient differs by " + gradientDiff);
          gradient = referenceGradient.toFloatArray();
        }
        for (int i = 0; i < actualAfter.length; i++) {
          float diff = Math.abs(actualAfter[i] - expectedAfter[i]);
          // Adam's first step moves every weight by lr * g / (|g| + eps), about lr whatever |g|. A
          // gradient within the gradient tolerance of zero (conv4's bias, which BatchNorm cancels,
          // is exactly zero but for float32 noise) may point either way, moving it by at most lr.
          boolean noise = gradient != null && Math.abs(gradient[i]) < GRADIENT_TOLERANCE;
          float tolerance = noise ? lr * 2.0001f : 1e-4f;
          assertTrue(
              diff <= tolerance, name + "[" + i + "] differs by " + diff + " after the step");
        }
        compared++;
      }
      assertEquals(24, compared, "every parameter and BatchNorm buffer compared");
    }
  }
}
