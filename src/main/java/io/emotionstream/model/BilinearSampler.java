package io.emotionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * PyTorch's {@code F.grid_sample} (bilinear, zero padding, {@code align_corners=False}) built from
 * DJL ops, differentiable with respect to both the image and the grid (hence theta).
 *
 * <p>The four neighbours of every sample point are read with one {@code gather} from the image
 * given a one-pixel zero border: clipping an index onto that border reads zero, which is exactly
 * zero padding without masks.
 */
public final class BilinearSampler {
  private BilinearSampler() {}

  /**
   * @param image (N, C, H, W)
   * @param grid (N, 2, outHeight·outWidth) normalised x and y, as from {@link AffineGrid}
   * @return (N, C, outHeight, outWidth)
   */
  public static NDArray sample(NDArray image, NDArray grid, int outHeight, int outWidth) {
    Shape shape = image.getShape();
    long n = shape.get(0);
    long channels = shape.get(1);
    long height = shape.get(2);
    long width = shape.get(3);
    long points = (long) outHeight * outWidth;

    NDArray ix = unnormalise(grid.get(":, 0, :"), width);
    NDArray iy = unnormalise(grid.get(":, 1, :"), height);
    // floor on a detached copy: the corner choice is piecewise constant, the gradient flows through
    // the weights (ix - x0) to the grid.
    NDArray x0 = ix.stopGradient().floor();
    NDArray y0 = iy.stopGradient().floor();
    NDArray x1 = x0.add(1);
    NDArray y1 = y0.add(1);

    // Weights formed as torch's CPU kernel forms them: w = ix - x0, e = 1 - w, nw = s * e, ...
    NDArray fromWest = ix.sub(x0);
    NDArray toEast = fromWest.neg().add(1);
    NDArray fromNorth = iy.sub(y0);
    NDArray toSouth = fromNorth.neg().add(1);
    NDArray weights =
        NDArrays.stack(
                new NDList(
                    toSouth.mul(toEast),
                    toSouth.mul(fromWest),
                    fromNorth.mul(toEast),
                    fromNorth.mul(fromWest)),
                1)
            .expandDims(1);

    long paddedWidth = width + 2;
    NDArray px0 = x0.add(1).clip(0, width + 1);
    NDArray px1 = x1.add(1).clip(0, width + 1);
    NDArray rowNorth = y0.add(1).clip(0, height + 1).mul(paddedWidth);
    NDArray rowSouth = y1.add(1).clip(0, height + 1).mul(paddedWidth);
    NDArray corners =
        NDArrays.concat(
                new NDList(
                    rowNorth.add(px0), rowNorth.add(px1), rowSouth.add(px0), rowSouth.add(px1)),
                1)
            .toType(DataType.INT64, false)
            .expandDims(1)
            .broadcast(n, channels, 4 * points);

    NDArray padded =
        image.pad(new Shape(1, 1, 1, 1), 0).reshape(n, channels, (height + 2) * paddedWidth);
    NDArray values = padded.gather(corners, 2).reshape(n, channels, 4, points);
    return values.mul(weights).sum(new int[] {2}).reshape(n, channels, outHeight, outWidth);
  }

  // align_corners=False: -1 is the outer edge of the first pixel. Written (coord + 1) * size/2 -
  // 0.5
  // as torch's CPU kernel writes it, so the float rounding agrees too.
  private static NDArray unnormalise(NDArray coordinate, long size) {
    return coordinate.add(1).mul(Scalars.like(coordinate, size / 2f)).sub(0.5f);
  }
}
