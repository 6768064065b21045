package io.emotionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * A 2-D convolution (stride 1, no padding, as torch's Conv2d(c, o, k)) for layers whose input needs a
 * gradient, with the output channels padded by zero filters to a multiple of 16 and cut back after.
 *
 * <p>Why: libtorch 2.7.1's oneDNN backward-data kernels for AVX2 and AVX-512 return a wrong, run-to-run
 * different (sometimes NaN) gradient with respect to the input when the number of output channels is
 * not a multiple of the kernel's channel block (8 or 16): the padded tail of the blocked gradient
 * buffer is read without being cleared. Deep-Emotion's layers have 10 output channels. With 16 the
 * kernel has no tail, the extra filters' outputs are cut off (so their gradient is a true zero), and
 * the result is exact at native speed: about 1.6 times the arithmetic of the layer, against 10 times
 * the time of computing it as an unfolded matrix product. {@code ChannelPaddedConvolutionTest} checks
 * the gradients against that unfolded form, for every layer shape of the network.
 */
final class ChannelPaddedConvolution {
  private static final long CHANNEL_BLOCK = 16;

  private ChannelPaddedConvolution() {}

  /** @param x (N, C, H, W); @param weight (O, C, K, K); @param bias (O) */
  static NDArray apply(NDArray x, NDArray weight, NDArray bias) {
    Shape shape = weight.getShape();
    long outputs = shape.get(0);
    long extra = (CHANNEL_BLOCK - outputs % CHANNEL_BLOCK) % CHANNEL_BLOCK;
    if (extra == 0) {
      return convolve(x, weight, bias);
    }
    NDArray paddedWeight =
        weight.concat(x.getManager().zeros(new Shape(extra, shape.get(1), shape.get(2), shape.get(3)),
            weight.getDataType(), weight.getDevice()), 0);
    NDArray paddedBias =
        bias.concat(x.getManager().zeros(new Shape(extra), bias.getDataType(), bias.getDevice()), 0);
    return convolve(x, paddedWeight, paddedBias).get(new NDIndex(":, :{}", outputs));
  }

  private static NDArray convolve(NDArray x, NDArray weight, NDArray bias) {
    return Conv2d.conv2d(x, weight, bias, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1)
        .singletonOrThrow();
  }
}
