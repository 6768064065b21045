package io.emotionstream.model.pytorch;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Optional;

/**
 * The element types of PyTorch storages, each under the storage class that torch.save names for it
 * in the pickle ({@code torch.FloatStorage} for float32, and so on). Only float32, float64 and
 * int64 are read: what a state_dict of a float model holds. The others are known by name so that a
 * file holding them is refused as a tensor of that type, not as a mysterious Python global.
 */
public enum TorchDtype {
  FLOAT32("FloatStorage", 4, true),
  FLOAT64("DoubleStorage", 8, true),
  INT64("LongStorage", 8, true),
  FLOAT16("HalfStorage", 2, false),
  BFLOAT16("BFloat16Storage", 2, false),
  INT32("IntStorage", 4, false),
  INT16("ShortStorage", 2, false),
  INT8("CharStorage", 1, false),
  UINT8("ByteStorage", 1, false),
  BOOL("BoolStorage", 1, false),
  COMPLEX64("ComplexFloatStorage", 8, false),
  COMPLEX128("ComplexDoubleStorage", 16, false);

  private final String storageClass;
  private final int elementSize;
  private final boolean readable;

  TorchDtype(String storageClass, int elementSize, boolean readable) {
    this.storageClass = storageClass;
    this.elementSize = elementSize;
    this.readable = readable;
  }

  /** The dtype whose storage class is {@code torch.<name>}. */
  public static Optional<TorchDtype> ofStorageClass(String name) {
    for (TorchDtype dtype : values()) {
      if (dtype.storageClass.equals(name)) {
        return Optional.of(dtype);
      }
    }
    return Optional.empty();
  }

  /** The class name in module {@code torch}, as the pickle names it. */
  public String storageClass() {
    return storageClass;
  }

  public int elementSize() {
    return elementSize;
  }

  /** Whether this reader decodes its values. */
  public boolean readable() {
    return readable;
  }

  /**
   * The element at {@code index} (counted in elements) of {@code bytes}, in the buffer's byte
   * order.
   */
  double element(ByteBuffer bytes, int index) {
    int at = index * elementSize;
    return switch (this) {
      case FLOAT32 -> bytes.getFloat(at);
      case FLOAT64 -> bytes.getDouble(at);
      case INT64 -> bytes.getLong(at);
      default -> throw new IllegalStateException(this + " is not decoded");
    };
  }

  /** PyTorch's own name, as {@code tensor.dtype} prints it without the "torch." prefix. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
