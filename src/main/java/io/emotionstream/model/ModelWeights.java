package io.emotionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The network's numbers outside any engine: every parameter and BatchNorm buffer as float32 values
 * with its shape, keyed by the reference's state_dict name. Checkpoints store this; models load it.
 */
public final class ModelWeights {

  /** One named array: shape and row-major values. */
  public record Tensor(long[] shape, float[] values) {
    public Tensor {
      long size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
      if (size != values.length) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(shape) + " needs " + size + " values, got " + values.length);
      }
    }
  }

  private final Map<String, Tensor> tensors;

  public ModelWeights(Map<String, Tensor> tensors) {
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
  }

  public Map<String, Tensor> tensors() {
    return tensors;
  }

  public Tensor get(String name) {
    Tensor tensor = tensors.get(name);
    if (tensor == null) {
      throw new IllegalArgumentException("no weights named " + name + "; have " + tensors.keySet());
    }
    return tensor;
  }

  /**
   * The network's weights from the reference's state_dict saved with numpy's {@code np.savez}
   * (arrays under torch's names, as float32), checked as {@link StateDictLayout#toWeights} checks
   * them.
   */
  public static ModelWeights readNpz(Path file) throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(file);
        NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      NDList arrays = NDList.decode(manager, in);
      for (NDArray array : arrays) {
        if (array.getName() == null) {
          throw new IOException(file + " holds an unnamed array: not an np.savez state_dict");
        }
        tensors.put(array.getName(), toTensor(array));
      }
    } catch (RuntimeException e) {
      throw new IOException(
          "cannot read " + file + " as an np.savez state_dict: " + e.getMessage(), e);
    }
    return StateDictLayout.toWeights(tensors, file.toString());
  }

  static Tensor toTensor(NDArray array) {
    return new Tensor(
        array.getShape().getShape(), array.toType(DataType.FLOAT32, false).toFloatArray());
  }
}
