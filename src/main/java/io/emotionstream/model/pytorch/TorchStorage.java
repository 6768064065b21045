package io.emotionstream.model.pytorch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One storage of a PyTorch file: a flat run of elements of one dtype, in the byte order the file
 * records. Tensors are views of storages (an offset, a size and a stride each), and several tensors
 * may view one storage: identity, not content, says which storage a tensor views.
 */
public final class TorchStorage {
  private final TorchDtype dtype;
  private final ByteBuffer bytes;

  /**
   * @param bytes the elements, its byte order set to the file's; not copied, so do not change it
   */
  public TorchStorage(TorchDtype dtype, ByteBuffer bytes) {
    if (bytes.remaining() % dtype.elementSize() != 0) {
      throw new IllegalArgumentException(
          bytes.remaining() + " bytes are not a whole number of " + dtype + " elements");
    }
    this.dtype = dtype;
    // A slice and a read-only view both start out big-endian, whatever the original's order.
    this.bytes = bytes.slice().asReadOnlyBuffer().order(bytes.order());
  }

  /** A little-endian storage of {@code values}. */
  public static TorchStorage of(float[] values) {
    ByteBuffer bytes =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return new TorchStorage(TorchDtype.FLOAT32, bytes);
  }

  /** A little-endian storage of {@code values}. */
  public static TorchStorage of(long[] values) {
    ByteBuffer bytes =
        ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asLongBuffer().put(values);
    return new TorchStorage(TorchDtype.INT64, bytes);
  }

  public TorchDtype dtype() {
    return dtype;
  }

  /** Its length in elements. */
  public long size() {
    return bytes.capacity() / dtype.elementSize();
  }

  double element(long index) {
    return dtype.element(bytes, Math.toIntExact(index));
  }

  /**
   * Its bytes in {@code order}: each element's bytes reversed when the storage's order is the
   * other.
   */
  public byte[] bytes(ByteOrder order) {
    byte[] copy = new byte[bytes.capacity()];
    bytes.get(0, copy);
    if (order != bytes.order()) {
      int width = dtype.elementSize();
      for (int start = 0; start < copy.length; start += width) {
        for (int i = 0, j = width - 1; i < j; i++, j--) {
          byte swap = copy[start + i];
          copy[start + i] = copy[start + j];
          copy[start + j] = swap;
        }
      }
    }
    return copy;
  }
}
