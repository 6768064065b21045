package io.emotionstream.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** One np.savez file written by scripts/reference, read by array name. */
final class ReferenceFixture {
  private final Map<String, NDArray> arrays = new LinkedHashMap<>();

  private ReferenceFixture(NDList list) {
    list.forEach(a -> arrays.put(a.getName(), a));
  }

  static ReferenceFixture load(NDManager manager, String name) {
    try (InputStream in = ReferenceFixture.class.getResourceAsStream("/reference/" + name)) {
      if (in == null) {
        throw new IllegalStateException(
            "missing fixture " + name + "; see scripts/reference/README.md");
      }
      return new ReferenceFixture(NDList.decode(manager, in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path path(String name) {
    try {
      return Path.of(ReferenceFixture.class.getResource("/reference/" + name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  NDArray get(String name) {
    NDArray array = arrays.get(name);
    if (array == null) {
      throw new IllegalArgumentException("fixture has no " + name + ": " + arrays.keySet());
    }
    return array;
  }

  Map<String, NDArray> all() {
    return arrays;
  }

  /**
   * The fixture's pixels (forward.npz, adam_step.npz) normalised into the network's (N, 1, 48, 48)
   * input.
   */
  NDArray faces(NDManager manager) {
    NDArray pixels = get("pixels");
    return FaceTensor.fromPixels(manager, pixelBytes(pixels), (int) pixels.getShape().get(0));
  }

  /** The fixture's float pixel values (integers 0..255) as the bytes a face carries. */
  static byte[] pixelBytes(NDArray pixels) {
    float[] values = pixels.toFloatArray();
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) Math.round(values[i]);
    }
    return bytes;
  }

  /**
   * The eval-mode logits, row after row, of a network holding {@code weights} on forward.npz's
   * faces.
   */
  static float[] logitsOnForwardFaces(ModelWeights weights) {
    try (EmotionModel model = EmotionModel.withWeights(weights, 0.5f, Device.cpu());
        NDManager manager = model.manager().newSubManager()) {
      return model.forward(load(manager, "forward.npz").faces(manager), false).toFloatArray();
    }
  }

  static float maxAbsDiff(NDArray a, NDArray b) {
    if (a.size() != b.size()) {
      throw new AssertionError("sizes differ: " + a.getShape() + " vs " + b.getShape());
    }
    return maxAbsDiff(a.toFloatArray(), b.toFloatArray());
  }

  static float maxAbsDiff(float[] x, float[] y) {
    if (x.length != y.length) {
      throw new AssertionError("sizes differ: " + x.length + " vs " + y.length);
    }
    float max = 0;
    for (int i = 0; i < x.length; i++) {
      max = Math.max(max, Math.abs(x[i] - y[i]));
    }
    return max;
  }
}
