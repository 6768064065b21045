package io.emotionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * PyTorch's {@code F.affine_grid} with {@code align_corners=False}: for every output pixel, the
 * point of the input (in [-1, 1] normalised coordinates) that an affine {@code theta} maps it to.
 */
public final class AffineGrid {
  private AffineGrid() {}

  /**
   * @param theta (N, 2, 3) affine matrices
   * @return (N, 2, height·width): row 0 the x, row 1 the y of each output pixel, row-major
   */
  public static NDArray generate(NDArray theta, int height, int width) {
    long count = (long) height * width;
    NDArray xs =
        theta.getManager().create(baseColumn(pixelCentres(width), height, false), new Shape(count));
    NDArray ys =
        theta.getManager().create(baseColumn(pixelCentres(height), width, true), new Shape(count));
    // (x * t0 + y * t1) + t2 elementwise rather than a matrix product: the same roundings as
    // torch's
    // grid (a BLAS product may fuse multiply-adds), which matters once x is scaled up to pixels.
    return theta
        .get(":, :, 0:1")
        .mul(xs)
        .add(theta.get(":, :, 1:2").mul(ys))
        .add(theta.get(":, :, 2:3"));
  }

  /** The x (or, transposed, y) coordinate of every output pixel, row-major. */
  private static float[] baseColumn(float[] centres, int repeats, boolean transposed) {
    float[] column = new float[centres.length * repeats];
    for (int r = 0; r < repeats; r++) {
      for (int c = 0; c < centres.length; c++) {
        if (transposed) {
          column[c * repeats + r] = centres[c];
        } else {
          column[r * centres.length + c] = centres[c];
        }
      }
    }
    return column;
  }

  /**
   * torch's base grid: linspace(-1, 1, n) * (n - 1) / n. The linspace is filled the way torch's CPU
   * kernel fills it (8-wide vector blocks from a fused multiply-add base, the rest scalar, counting
   * from whichever end is nearer), so the grid agrees to the last bit; a one-ulp difference in a
   * grid coordinate is magnified W/2 times in pixel units.
   */
  static float[] pixelCentres(int n) {
    float[] values = new float[n];
    if (n == 1) {
      return values;
    }
    float step = 2f / (n - 1);
    int vector = 8;
    int index = 0;
    for (; index + vector <= n; index += vector) {
      float base = linspaceElement(index, n, step);
      for (int i = 0; i < vector; i++) {
        values[index + i] = base + step * i;
      }
    }
    for (; index < n; index++) {
      values[index] = linspaceElement(index, n, step);
    }
    for (int i = 0; i < n; i++) {
      values[i] = values[i] * (n - 1) / n;
    }
    return values;
  }

  private static float linspaceElement(int index, int n, float step) {
    return index < n / 2 ? Math.fma(step, index, -1f) : Math.fma(-step, n - 1 - index, 1f);
  }
}
