package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeepEmotionParityTest {

  @Test
  void hasTheReferenceParameterCountAndNames() throws IOException {
    ModelWeights reference = ModelWeights.readNpz(ReferenceFixture.path("state_dict.npz"));
    try (EmotionModel model = EmotionModel.initialised(0.5f, 42, Device.cpu())) {
      assertEquals(DeepEmotion.PARAMETER_COUNT, model.parameterCount());
      assertEquals(reference.tensors().keySet(), model.parameters().keySet());
    }
  }

  @Test
  void importedWeightsGiveTheReferenceLogits() throws IOException {
    ModelWeights reference = ModelWeights.readNpz(ReferenceFixture.path("state_dict.npz"));
    try (EmotionModel model = EmotionModel.withWeights(reference, 0.5f, Device.cpu());
        NDManager manager = model.manager().newSubManager()) {
      ReferenceFixture fixture = ReferenceFixture.load(manager, "forward.npz");
      NDArray logits = model.forward(fixture.faces(manager), false);
      float diff = ReferenceFixture.maxAbsDiff(logits, fixture.get("logits"));
      System.out.printf("logits max abs diff %.2e%n", diff);
      assertTrue(diff <= 1e-4, "logits differ by " + diff);
    }
  }

  @Test
  void inferenceOnAThreadWithAutogradOnRecordsNoGraphAndLeavesTheSettingAsItWas() throws Exception {
    ModelWeights reference = ModelWeights.readNpz(ReferenceFixture.path("state_dict.npz"));
    try (EmotionModel model = EmotionModel.withWeights(reference, 0.5f, Device.cpu())) {
      CompletableFuture<Object[]> seen = new CompletableFuture<>();
      // libtorch starts every thread with autograd on, as a classifier's inference threads are
      Thread inference =
          new Thread(
              () -> {
                try (NDManager manager = model.manager().newSubManager()) {
                  boolean before = JniUtils.isGradMode();
                  ReferenceFixture fixture = ReferenceFixture.load(manager, "forward.npz");
                  NDArray logits = model.forward(fixture.faces(manager).get("0:1"), false);
                  boolean after = JniUtils.isGradMode();
                  seen.complete(new Object[] {before, recordedAGraph(logits), after});
                } catch (RuntimeException | Error e) {
                  seen.completeExceptionally(e);
                }
              });
      inference.start();
      Object[] result = seen.get(30, TimeUnit.SECONDS);
      assertEquals(true, result[0], "a fresh thread starts with autograd on");
      assertEquals(false, result[1], "the logits carry a graph");
      assertEquals(true, result[2], "autograd was left off");
    }
  }

  /**
   * Whether autograd can go backward from {@code logits}: libtorch refuses when nothing was
   * recorded.
   */
  private static boolean recordedAGraph(NDArray logits) {
    NDArray total = logits.sum();
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(total);
      return true;
    } catch (EngineException e) {
      return false;
    }
  }

  @Test
  void inferencePoolsExactlyAsTorchsMaxPool() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      manager.getEngine().setRandomSeed(5);
      // the network's pooled shapes: even sides, and 17 whose last row and column are dropped
      for (long side : new long[] {42, 17}) {
        NDArray x = manager.randomNormal(new Shape(3, 4, side, side));
        NDArray torchPooled = DeepEmotion.maxPool(x, true);
        NDArray fast = DeepEmotion.maxPool(x, false);
        assertEquals(torchPooled.getShape(), fast.getShape());
        assertEquals(0f, torchPooled.sub(fast).abs().max().getFloat(), "side " + side);
      }
    }
  }
}
