package io.emotionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * A 2-D convolution (stride 1, no padding, as torch's Conv2d(c, o, k)) written as shifted slices
 * and one matrix product, so its backward pass is plain slicing and BLAS.
 *
 * <p>The reference the native convolution's gradients are checked against: built from slicing and
 * BLAS only, it shares no code with oneDNN's convolution kernels.
 */
final class UnfoldedConvolution {
  private UnfoldedConvolution() {}

  /**
   * @param x (N, C, H, W); @param weight (O, C, K, K); @param bias (O)
   */
  static NDArray apply(NDArray x, NDArray weight, NDArray bias) {
    Shape shape = x.getShape();
    long n = shape.get(0);
    long channels = shape.get(1);
    long outputs = weight.getShape().get(0);
    int kernel = (int) weight.getShape().get(2);
    long outHeight = shape.get(2) - kernel + 1;
    long outWidth = shape.get(3) - kernel + 1;
    NDList shifted = new NDList(kernel * kernel);
    for (int dy = 0; dy < kernel; dy++) {
      for (int dx = 0; dx < kernel; dx++) {
        shifted.add(
            x.get(new NDIndex(":, :, {}:{}, {}:{}", dy, dy + outHeight, dx, dx + outWidth)));
      }
    }
    // (N, C, K*K, OH, OW) flattened channel-major, then kernel row, then column: weight's own
    // order.
    NDArray columns =
        NDArrays.stack(shifted, 2).reshape(n, channels * kernel * kernel, outHeight * outWidth);
    NDArray out = weight.reshape(outputs, channels * kernel * kernel).matMul(columns);
    return out.add(bias.reshape(1, outputs, 1)).reshape(n, outputs, outHeight, outWidth);
  }
}
