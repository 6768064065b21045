package io.emotionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Numbers as operands of operations autograd records. DJL's {@code mul(Number)} wraps the number in
 * a tensor over a Java direct buffer, without copying, and closes it as the operation returns. A
 * product keeps that tensor for its backward pass, which then reads memory the garbage collector
 * may have freed, and the allocator handed out again, in between: the gradient comes out as garbage
 * (up to 1e33, or NaN) now and then, the loss unchanged. A scalar libtorch allocates itself lives
 * as long as anything, the graph included, refers to it. Sums and differences keep no operand:
 * {@code add(Number)} is safe.
 */
final class Scalars {
  private Scalars() {}

  /**
   * {@code value} as a 0-dimensional array of {@code like}'s type, device and manager, in
   * libtorch's memory.
   */
  static NDArray like(NDArray like, float value) {
    return like.getManager().full(new Shape(), value, like.getDataType(), like.getDevice());
  }
}
