package io.emotionstream.data;

/** A rectangle of an image in its pixels: left and top edges, width and height. */
public record Region(int x, int y, int width, int height) {

  public Region {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "a region needs a positive size, got " + width + "x" + height);
    }
  }

  /** The part of this region inside a width x height image, or null if none of it is. */
  public Region within(int imageWidth, int imageHeight) {
    int left = Math.max(0, x);
    int top = Math.max(0, y);
    int right = Math.min(imageWidth, x + width);
    int bottom = Math.min(imageHeight, y + height);
    return right > left && bottom > top ? new Region(left, top, right - left, bottom - top) : null;
  }

  /** Intersection over union: 1 for the same rectangle, 0 for rectangles that do not overlap. */
  public double overlap(Region other) {
    long w = Math.min(x + width, other.x + other.width) - Math.max(x, other.x);
    long h = Math.min(y + height, other.y + other.height) - Math.max(y, other.y);
    if (w <= 0 || h <= 0) {
      return 0;
    }
    double intersection = (double) w * h;
    return intersection
        / ((double) width * height + (double) other.width * other.height - intersection);
  }

  @Override
  public String toString() {
    return x + "," + y + " " + width + "x" + height;
  }
}
