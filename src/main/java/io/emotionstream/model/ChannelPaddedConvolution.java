package io.emotionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * A 2-D convolution (stride 1, no padding, as torch's Conv2d(c, o, k)) for layers whose input needs
 * a gradient, run natively with its output channels padded with zero filters to a multiple of 16.
 *
 * <p>Why: libtorch 2.7.1's oneDNN backward-data kernels for AVX2 and AVX-512 return a wrong,
 * run-to-run different (sometimes NaN) gradient with respect to the input when the number of output
 * channels is not a multiple of the kernel's channel block (8 or 16): the padded tail of the
 * blocked gradient buffer is read without being cleared. Deep-Emotion's layers have 10 output
 * channels. With 16 the kernel has no tail, and the extra channels are exactly zero (zero filters,
 * zero bias).
 *
 * <p>The padded output can go on as the next layer's input as it is: zero channels meet zero input
 * weights, so the result is the same, no slice's gradient has to be zero-filled, and the next layer
 * runs on 16 input channels, where oneDNN's AVX-512 kernels take over from AVX2 ones: 13.5 against
 * 23.1 ms for the three passes of the 46x46 layer at batch 128, despite 60% more arithmetic
 * (measured with {@code ONEDNN_VERBOSE=1}). A single input channel (the first layer) is not padded:
 * it runs on the same blocked kernels, 3.7 times faster than padded to 8.
 *
 * <p>{@code ChannelPaddedConvolutionTest} checks outputs and gradients against an unfolded
 * convolution for every layer shape of the network.
 */
final class ChannelPaddedConvolution {
  private static final long OUTPUT_BLOCK = 16;

  private ChannelPaddedConvolution() {}

  /**
   * @param x (N, C', H, W) with C' ≥ C: channels past the weight's C are zero (a padded output)
   * @param weight (O, C, K, K)
   * @param bias (O)
   * @return (N, O', H', W'): O rounded up to a multiple of 16, the channels past O exactly zero
   */
  static NDArray apply(NDArray x, NDArray weight, NDArray bias) {
    Shape shape = weight.getShape();
    long extraOutputs = (OUTPUT_BLOCK - shape.get(0) % OUTPUT_BLOCK) % OUTPUT_BLOCK;
    long extraInputs = x.getShape().get(1) - shape.get(1);
    // The padded copies belong to the batch, like the activations: left with the weights' own
    // manager they would live as long as the model, ~12 MB of native memory per batch.
    NDManager batch = x.getManager();
    NDArray paddedWeight =
        padWithZeros(padWithZeros(weight, 1, extraInputs, batch), 0, extraOutputs, batch);
    NDArray paddedBias = padWithZeros(bias, 0, extraOutputs, batch);
    return Conv2d.conv2d(
            x, paddedWeight, paddedBias, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1)
        .singletonOrThrow();
  }

  /** The first {@code channels} channels of a padded output: the layer's own. */
  static NDArray cut(NDArray padded, long channels) {
    return padded.getShape().get(1) == channels
        ? padded
        : padded.get(new NDIndex(":, :{}", channels));
  }

  /**
   * {@code array} with {@code extra} zero slices appended along {@code axis}, owned by {@code
   * batch}.
   */
  private static NDArray padWithZeros(NDArray array, int axis, long extra, NDManager batch) {
    if (extra == 0) {
      return array;
    }
    // a copy: getShape() hands out the array's own dimensions
    long[] dimensions = array.getShape().getShape().clone();
    dimensions[axis] = extra;
    NDArray zeros = batch.zeros(new Shape(dimensions), array.getDataType(), array.getDevice());
    NDArray padded = array.concat(zeros, axis);
    padded.attach(batch);
    return padded;
  }
}
