package io.emotionstream.data;

import java.awt.image.BufferedImage;

/**
 * Resizes grayscale images, above all any frame to the 48x48 face the model takes. The whole frame
 * is scaled to the target (its aspect ratio is not kept: frames are expected to be face crops).
 *
 * <p>Each output pixel is a weighted mean of the source pixels it covers: when shrinking, the
 * weights are the areas of overlap (a box filter), so fine detail averages out instead of aliasing;
 * when enlarging, they are bilinear weights between pixel centres. The two axes are done one after
 * the other.
 */
public final class FaceResizer {

  private FaceResizer() {}

  /** Any image, any size and colour, to 48x48 gray bytes. */
  public static byte[] toFace(BufferedImage image) {
    return toFace(GrayImage.of(image));
  }

  /** Any grayscale image to 48x48 bytes; a 48x48 image comes back unchanged. */
  public static byte[] toFace(GrayImage image) {
    return resize(image, FaceSet.SIDE, FaceSet.SIDE).pixels();
  }

  /** Raw gray frame bytes (width x height, row-major) to 48x48 bytes. */
  public static byte[] toFace(int width, int height, byte[] pixels) {
    return toFace(new GrayImage(width, height, pixels));
  }

  public static GrayImage resize(GrayImage image, int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "target size must be positive, got " + width + "x" + height);
    }
    if (image.width() == width && image.height() == height) {
      return new GrayImage(width, height, image.pixels().clone());
    }
    Taps columns = Taps.of(image.width(), width);
    Taps rows = Taps.of(image.height(), height);

    // Horizontal pass: every source row to the target width.
    float[] horizontal = new float[image.height() * width];
    byte[] source = image.pixels();
    for (int y = 0; y < image.height(); y++) {
      int rowOffset = y * image.width();
      for (int x = 0; x < width; x++) {
        float sum = 0;
        for (int t = columns.start[x]; t < columns.start[x + 1]; t++) {
          sum += columns.weight[t] * (source[rowOffset + columns.index[t]] & 0xFF);
        }
        horizontal[y * width + x] = sum;
      }
    }

    byte[] target = new byte[width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        float sum = 0;
        for (int t = rows.start[y]; t < rows.start[y + 1]; t++) {
          sum += rows.weight[t] * horizontal[rows.index[t] * width + x];
        }
        target[y * width + x] = (byte) Math.max(0, Math.min(255, Math.round(sum)));
      }
    }
    return new GrayImage(width, height, target);
  }

  /**
   * For one axis, the source pixels and weights that make each target pixel: target pixel i uses
   * taps start[i] until start[i + 1]. Weights of one target pixel sum to 1.
   */
  private static final class Taps {
    final int[] start;
    final int[] index;
    final float[] weight;

    private Taps(int[] start, int[] index, float[] weight) {
      this.start = start;
      this.index = index;
      this.weight = weight;
    }

    static Taps of(int sourceSize, int targetSize) {
      double scale = (double) sourceSize / targetSize;
      int maxTaps = (int) Math.ceil(scale) + 2;
      int[] start = new int[targetSize + 1];
      int[] index = new int[targetSize * maxTaps];
      float[] weight = new float[targetSize * maxTaps];
      int taps = 0;
      for (int i = 0; i < targetSize; i++) {
        start[i] = taps;
        if (scale >= 1) {
          // Shrinking: the target pixel covers [i*scale, (i+1)*scale) of the source.
          double from = i * scale;
          double to = (i + 1) * scale;
          for (int s = (int) Math.floor(from); s < Math.min(sourceSize, Math.ceil(to)); s++) {
            double overlap = Math.min(to, s + 1) - Math.max(from, s);
            if (overlap > 1e-9) {
              index[taps] = s;
              weight[taps] = (float) (overlap / scale);
              taps++;
            }
          }
        } else {
          // Enlarging: bilinear between the two nearest source pixel centres (half-pixel centres,
          // as PyTorch's align_corners=False), clamped at the borders.
          double centre = (i + 0.5) * scale - 0.5;
          int left = (int) Math.floor(centre);
          double fraction = centre - left;
          int a = Math.max(0, Math.min(sourceSize - 1, left));
          int b = Math.max(0, Math.min(sourceSize - 1, left + 1));
          index[taps] = a;
          weight[taps] = (float) (1 - fraction);
          taps++;
          index[taps] = b;
          weight[taps] = (float) fraction;
          taps++;
        }
      }
      start[targetSize] = taps;
      return new Taps(start, index, weight);
    }
  }
}
