package io.emotionstream.model.pytorch;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor as torch.save records it: a view of a storage, from element {@code offset} on, with a
 * size and a stride per dimension (counted in elements). A 0-dimensional tensor (a scalar such as
 * BatchNorm's batch counter) has empty size and stride and one element.
 */
public record TorchTensor(TorchStorage storage, long offset, long[] shape, long[] stride) {
  public TorchTensor {
    Objects.requireNonNull(storage, "storage");
    if (shape.length != stride.length) {
      throw new IllegalArgumentException(
          "size "
              + Arrays.toString(shape)
              + " and stride "
              + Arrays.toString(stride)
              + " differ in rank");
    }
    if (offset < 0
        || Arrays.stream(shape).anyMatch(d -> d < 0)
        || Arrays.stream(stride).anyMatch(s -> s < 0)) {
      throw new IllegalArgumentException(
          "negative offset, size or stride: offset "
              + offset
              + ", size "
              + Arrays.toString(shape)
              + ", stride "
              + Arrays.toString(stride));
    }
    shape = shape.clone();
    stride = stride.clone();
  }

  /**
   * A float32 tensor of its own storage, laid out row after row as PyTorch lays out a new tensor.
   */
  public static TorchTensor of(float[] values, long... shape) {
    return contiguous(TorchStorage.of(values), shape);
  }

  /** An int64 tensor of its own storage, laid out as {@link #of(float[], long...)}. */
  public static TorchTensor of(long[] values, long... shape) {
    return contiguous(TorchStorage.of(values), shape);
  }

  private static TorchTensor contiguous(TorchStorage storage, long[] shape) {
    long[] stride = new long[shape.length];
    long step = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      stride[d] = step;
      step = Math.multiplyExact(step, shape[d]);
    }
    if (step != storage.size()) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + step + " values, got " + storage.size());
    }
    return new TorchTensor(storage, 0, shape, stride);
  }

  public TorchDtype dtype() {
    return storage.dtype();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public long[] stride() {
    return stride.clone();
  }

  /** Number of elements: the product of the sizes (1 for a scalar). */
  public long elementCount() {
    return Arrays.stream(shape).reduce(1, Math::multiplyExact);
  }

  /**
   * Its values in row-major order as float32, whatever the stride (as {@code tensor.float()
   * .flatten()} gives them): float64 values rounded, int64 values converted.
   *
   * @throws PyTorchFileException for a dtype not read, or a view reaching past its storage
   */
  public float[] toFloats() throws PyTorchFileException {
    if (!dtype().readable()) {
      throw new PyTorchFileException(
          "its dtype "
              + dtype()
              + " (torch."
              + dtype().storageClass()
              + ") is not read: "
              + "only float32, float64 and int64 are; convert the model with .float() before saving");
    }
    long count;
    long last = offset;
    try {
      count = elementCount();
      for (int d = 0; d < shape.length; d++) {
        last = Math.addExact(last, Math.multiplyExact(Math.max(shape[d] - 1, 0), stride[d]));
      }
    } catch (ArithmeticException e) {
      throw new PyTorchFileException(
          "its size "
              + Arrays.toString(shape)
              + " or stride "
              + Arrays.toString(stride)
              + " is out of range");
    }
    // More elements than the storage holds can only come from strides of 0 (an expanded view),
    // which a
    // saved state_dict never has; refusing them bounds what a file can make this reader allocate.
    if (count > 0 && (last >= storage.size() || count > storage.size())) {
      throw new PyTorchFileException(
          "its size "
              + Arrays.toString(shape)
              + ", stride "
              + Arrays.toString(stride)
              + " and offset "
              + offset
              + " reach past its storage of "
              + storage.size()
              + " elements");
    }
    float[] values = new float[(int) count];
    long[] index = new long[shape.length];
    long position = offset;
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) storage.element(position);
      // Step the index like an odometer: the last dimension fastest, carrying into the ones before.
      for (int d = shape.length - 1; d >= 0; d--) {
        index[d]++;
        position += stride[d];
        if (index[d] < shape[d]) {
          break;
        }
        position -= stride[d] * shape[d];
        index[d] = 0;
      }
    }
    return values;
  }
}
