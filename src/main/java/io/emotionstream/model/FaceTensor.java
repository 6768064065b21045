package io.emotionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.emotionstream.data.FaceSet;

/**
 * The one place where 48x48 grayscale pixels become network input: (N, 1, 48, 48) float32 scaled as
 * the seed project does, x / 255 then (x - 0.5) / 0.5, i.e. into [-1, 1]. Each byte is looked up in
 * a table of those 256 values, rounded as torch rounds each step (float32 division and subtraction,
 * which Java's float arithmetic rounds alike; {@code FaceTensorTest} compares it with the ops), so
 * a batch reaches the device in one copy instead of five native operations.
 */
public final class FaceTensor {
  private FaceTensor() {}

  /** {@code pixels} holds {@code count} faces of 2,304 row-major bytes each. */
  public static NDArray fromPixels(NDManager manager, byte[] pixels, int count) {
    if (pixels.length != count * FaceSet.PIXELS) {
      throw new IllegalArgumentException(
          count + " faces need " + count * FaceSet.PIXELS + " pixel bytes, got " + pixels.length);
    }
    return manager.create(normalised(pixels), new Shape(count, 1, FaceSet.SIDE, FaceSet.SIDE));
  }

  /** The network's input values of {@code pixels}, in their order. */
  static float[] normalised(byte[] pixels) {
    float[] values = new float[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      values[i] = BY_BYTE[pixels[i] & 0xff];
    }
    return values;
  }

  /** The faces at {@code indices[from..to)} of {@code faces}. */
  public static NDArray fromFaces(
      NDManager manager, FaceSet faces, int[] indices, int from, int to) {
    int count = to - from;
    byte[] pixels = new byte[count * FaceSet.PIXELS];
    for (int i = 0; i < count; i++) {
      faces.copyPixels(indices[from + i], pixels, i * FaceSet.PIXELS);
    }
    return fromPixels(manager, pixels, count);
  }

  /** One 48x48 face per element of {@code faces}. */
  public static NDArray fromFaces(NDManager manager, byte[][] faces) {
    byte[] pixels = new byte[faces.length * FaceSet.PIXELS];
    for (int i = 0; i < faces.length; i++) {
      if (faces[i].length != FaceSet.PIXELS) {
        throw new IllegalArgumentException(
            "face "
                + i
                + " has "
                + faces[i].length
                + " pixels, a 48x48 face has "
                + FaceSet.PIXELS);
      }
      System.arraycopy(faces[i], 0, pixels, i * FaceSet.PIXELS, FaceSet.PIXELS);
    }
    return fromPixels(manager, pixels, faces.length);
  }

  private static final float[] BY_BYTE = new float[256];

  static {
    for (int value = 0; value < 256; value++) {
      BY_BYTE[value] = ((float) value / 255f - 0.5f) / 0.5f;
    }
  }
}
