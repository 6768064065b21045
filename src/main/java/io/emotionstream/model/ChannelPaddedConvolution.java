package io.emotionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * A 2-D convolution (stride 1, no padding, as torch's Conv2d(c, o, k)) for layers whose input needs a
 * gradient, run natively with its output channels padded with zero filters to a multiple of 16 (and
 * cut back after).
 *
 * <p>Why the outputs: libtorch 2.7.1's oneDNN backward-data kernels for AVX2 and AVX-512 return a
 * wrong, run-to-run different (sometimes NaN) gradient with respect to the input when the number of
 * output channels is not a multiple of the kernel's channel block (8 or 16): the padded tail of the
 * blocked gradient buffer is read without being cleared. Deep-Emotion's layers have 10 output
 * channels. With 16 the kernel has no tail, the extra filters' outputs are cut off (so their gradient
 * is a true zero), and the result is exact at native speed: 1.6 times the arithmetic of the layer,
 * against ten times the time of computing it as an unfolded matrix product.
 *
 * <p>The input channels are not padded: a single one (the first layer after the spatial transformer)
 * runs on the same blocked kernels, 3.7 times faster than padded to 8 (6.5 against 23.8 ms for the
 * layer's three passes at batch 128, measured with {@code ONEDNN_VERBOSE=1}); it had looked 5 to 20
 * times slower while training leaked memory and faulted in fresh pages on every call.
 *
 * <p>{@code ChannelPaddedConvolutionTest} checks outputs and gradients against an unfolded
 * convolution for every layer shape of the network.
 */
final class ChannelPaddedConvolution {
  private static final long OUTPUT_BLOCK = 16;

  private ChannelPaddedConvolution() {}

  /** @param x (N, C, H, W); @param weight (O, C, K, K); @param bias (O) */
  static NDArray apply(NDArray x, NDArray weight, NDArray bias) {
    long outputs = weight.getShape().get(0);
    long extraOutputs = (OUTPUT_BLOCK - outputs % OUTPUT_BLOCK) % OUTPUT_BLOCK;
    // The padded copies belong to the batch, like the activations: left with the weights' own
    // manager they would live as long as the model, ~12 MB of native memory per batch.
    NDManager batch = x.getManager();
    NDArray paddedWeight = padWithZeros(weight, extraOutputs, batch);
    NDArray paddedBias = padWithZeros(bias, extraOutputs, batch);
    NDArray out = Conv2d.conv2d(x, paddedWeight, paddedBias, new Shape(1, 1), new Shape(0, 0),
            new Shape(1, 1), 1)
        .singletonOrThrow();
    return extraOutputs == 0 ? out : out.get(new NDIndex(":, :{}", outputs));
  }

  /** {@code array} with {@code extra} zero slices appended along its first axis, owned by {@code batch}. */
  private static NDArray padWithZeros(NDArray array, long extra, NDManager batch) {
    if (extra == 0) {
      return array;
    }
    // a copy: getShape() hands out the array's own dimensions
    long[] dimensions = array.getShape().getShape().clone();
    dimensions[0] = extra;
    NDArray zeros = batch.zeros(new Shape(dimensions), array.getDataType(), array.getDevice());
    NDArray padded = array.concat(zeros, 0);
    padded.attach(batch);
    return padded;
  }
}
