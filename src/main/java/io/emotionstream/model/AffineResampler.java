package io.emotionstream.model;

/**
 * The spatial transformer's resampling for inference: {@link AffineGrid} followed by {@link
 * BilinearSampler} (torch's {@code affine_grid} and {@code grid_sample}, bilinear, zero padding,
 * {@code align_corners=False}), computed over plain arrays.
 *
 * <p>Why a second implementation: the DJL one takes ~40 native operations, each a JNI call with its
 * own tensor, ~70% of a single face's forward pass, where PyTorch runs one {@code grid_sample};
 * here 2,304 samples of one channel are a loop of a few microseconds. Training keeps the DJL one,
 * whose gradient flows to theta. Every value is formed with the same float operations in the same
 * order as the DJL one forms it, so both give the same bits ({@code AffineResamplerTest}).
 */
final class AffineResampler {
  private AffineResampler() {}

  /**
   * @param images (N, C, H, W) row-major
   * @param thetas (N, 2, 3) row-major affine matrices
   * @return (N, C, H, W): each image resampled at the points its theta maps the output pixels to
   */
  static float[] resample(
      float[] images, float[] thetas, int count, int channels, int height, int width) {
    int plane = height * width;
    if (images.length != count * channels * plane || thetas.length != count * 6) {
      throw new IllegalArgumentException(
          "expected "
              + count
              + " images of "
              + channels
              + "x"
              + height
              + "x"
              + width
              + " and "
              + count
              + " thetas, got "
              + images.length
              + " values and "
              + thetas.length / 6.0
              + " thetas");
    }
    float[] xs = AffineGrid.pixelCentres(width);
    float[] ys = AffineGrid.pixelCentres(height);
    float[] out = new float[images.length];
    for (int n = 0; n < count; n++) {
      int t = n * 6;
      for (int row = 0; row < height; row++) {
        for (int col = 0; col < width; col++) {
          // AffineGrid: (x * t0 + y * t1) + t2, each product and sum rounded to float
          float gridX = thetas[t] * xs[col] + thetas[t + 1] * ys[row] + thetas[t + 2];
          float gridY = thetas[t + 3] * xs[col] + thetas[t + 4] * ys[row] + thetas[t + 5];
          sample(images, out, n, channels, height, width, row * width + col, gridX, gridY);
        }
      }
    }
    return out;
  }

  /**
   * One output pixel, as {@link BilinearSampler} forms it; see there for the order of operations.
   */
  private static void sample(
      float[] images,
      float[] out,
      int n,
      int channels,
      int height,
      int width,
      int pixel,
      float gridX,
      float gridY) {
    float ix = (gridX + 1f) * (width / 2f) - 0.5f;
    float iy = (gridY + 1f) * (height / 2f) - 0.5f;
    float x0 = (float) Math.floor(ix);
    float y0 = (float) Math.floor(iy);
    float fromWest = ix - x0;
    float toEast = 1f - fromWest;
    float fromNorth = iy - y0;
    float toSouth = 1f - fromNorth;
    float northWest = toSouth * toEast;
    float northEast = toSouth * fromWest;
    float southWest = fromNorth * toEast;
    float southEast = fromNorth * fromWest;
    // A corner outside the image reads zero (zero padding); NaN coordinates read zero everywhere.
    boolean west = x0 >= 0 && x0 <= width - 1;
    boolean east = x0 + 1 >= 0 && x0 + 1 <= width - 1;
    boolean north = y0 >= 0 && y0 <= height - 1;
    boolean south = y0 + 1 >= 0 && y0 + 1 <= height - 1;
    int column = west || east ? (int) x0 : 0;
    int line = north || south ? (int) y0 : 0;
    int plane = height * width;
    for (int c = 0; c < channels; c++) {
      int base = (n * channels + c) * plane;
      float nw = north && west ? images[base + line * width + column] : 0f;
      float ne = north && east ? images[base + line * width + column + 1] : 0f;
      float sw = south && west ? images[base + (line + 1) * width + column] : 0f;
      float se = south && east ? images[base + (line + 1) * width + column + 1] : 0f;
      out[base + pixel] = nw * northWest + ne * northEast + sw * southWest + se * southEast;
    }
  }
}
