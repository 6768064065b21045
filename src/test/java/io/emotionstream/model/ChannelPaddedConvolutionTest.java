package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The training convolution against an unfolded one built from slicing and BLAS, for each layer of
 * Deep-Emotion whose input carries a gradient, with the input the layer gets in training: the
 * padded (zero) channels of the layer before, when that layer keeps them, and channels-last after a
 * max pool ({@link DeepEmotion#maxPool}). The native kernel's fault shows only once its buffers are
 * reused, so each shape is checked several times in a row.
 */
class ChannelPaddedConvolutionTest {
  private static final int REPETITIONS = 4;
  private static final long PADDED = 16;

  @ParameterizedTest(
      name = "{0}: {1}->{2} channels, {3}x{3}, kernel {4}, input padded {5}, channels-last {6}")
  @CsvSource({
    "conv1, 1, 10, 48, 3, false, false",
    "conv2, 10, 10, 46, 3, true, false",
    "conv3, 10, 10, 22, 3, true, true",
    "conv4, 10, 10, 20, 3, true, true",
    "fc_loc conv, 8, 10, 21, 5, false, true",
    "conv3 (as laid out before), 10, 10, 22, 3, false, false",
  })
  void gradientsMatchTheUnfoldedConvolution(
      String layer,
      int channels,
      int outputs,
      int size,
      int kernel,
      boolean inputPadded,
      boolean channelsLast) {
    Engine engine = Engine.getInstance();
    try (NDManager manager = NDManager.newBaseManager()) {
      engine.setRandomSeed(5);
      for (int repetition = 0; repetition < REPETITIONS; repetition++) {
        try (NDManager batch = manager.newSubManager()) {
          NDArray real = batch.randomNormal(new Shape(32, channels, size, size));
          NDArray x =
              inputPadded
                  ? real.concat(batch.zeros(new Shape(32, PADDED - channels, size, size)), 1)
                  : real;
          if (channelsLast) {
            x = DeepEmotion.channelsLast(x);
          }
          NDArray weight =
              batch.randomNormal(new Shape(outputs, channels, kernel, kernel)).mul(0.2f);
          NDArray bias = batch.randomNormal(new Shape(outputs));
          int outSize = size - kernel + 1;
          NDArray upstream = batch.randomNormal(new Shape(32, outputs, outSize, outSize));

          NDList fast =
              outputAndGradients(
                  engine,
                  x,
                  weight,
                  bias,
                  upstream,
                  in ->
                      ChannelPaddedConvolution.cut(
                          ChannelPaddedConvolution.apply(in.get(0), in.get(1), in.get(2)),
                          outputs));
          NDList reference =
              outputAndGradients(
                  engine,
                  real,
                  weight,
                  bias,
                  upstream,
                  in -> UnfoldedConvolution.apply(in.get(0), in.get(1), in.get(2)));

          String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
          for (int i = 0; i < names.length; i++) {
            NDArray ours = i == 1 ? fast.get(i).get(new NDIndex(":, :{}", channels)) : fast.get(i);
            float scale = Math.max(1f, reference.get(i).abs().max().getFloat());
            float diff = ReferenceFixture.maxAbsDiff(ours, reference.get(i));
            // Sums over up to 67,712 products keep float32 noise near 1e-5 of their size; the
            // kernel's fault is of the size of the values themselves.
            assertTrue(
                diff <= 1e-4f * scale,
                layer
                    + " repetition "
                    + repetition
                    + ": "
                    + names[i]
                    + " differs by "
                    + diff
                    + " of "
                    + scale);
          }
          if (inputPadded) {
            assertEquals(
                0f,
                fast.get(1).get(new NDIndex(":, {}:", channels)).abs().max().getFloat(),
                layer + ": gradient of the padded input channels");
          }
          NDArray padded = ChannelPaddedConvolution.apply(x, weight, bias);
          assertEquals(PADDED, padded.getShape().get(1));
          assertEquals(
              0f,
              padded.get(new NDIndex(":, {}:", outputs)).abs().max().getFloat(),
              layer + ": padded output channels");
        }
      }
    }
  }

  /**
   * The convolution's output and the gradients of sum(output * upstream) for input, weight and
   * bias.
   */
  private static NDList outputAndGradients(
      Engine engine,
      NDArray x,
      NDArray weight,
      NDArray bias,
      NDArray upstream,
      Function<NDList, NDArray> convolution) {
    NDList inputs = new NDList(x.duplicate(), weight.duplicate(), bias.duplicate());
    inputs.forEach(array -> array.setRequiresGradient(true));
    NDArray output;
    try (GradientCollector collector = engine.newGradientCollector()) {
      output = convolution.apply(inputs);
      collector.backward(output.mul(upstream).sum());
    }
    return new NDList(
        output,
        inputs.get(0).getGradient(),
        inputs.get(1).getGradient(),
        inputs.get(2).getGradient());
  }
}
