package io.emotionstream.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A grayscale image of any size as row-major unsigned bytes, and its conversions from and to {@link
 * BufferedImage} and image files (PNG and JPEG through ImageIO).
 */
public record GrayImage(int width, int height, byte[] pixels) {

  /** The formats {@link #write} accepts. */
  public enum Format {
    PNG("png"),
    JPG("jpg");

    private final String imageIoName;

    Format(String imageIoName) {
      this.imageIoName = imageIoName;
    }

    public String extension() {
      return imageIoName;
    }

    /** png, jpg or jpeg, any case. */
    public static Format parse(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "png" -> PNG;
        case "jpg", "jpeg" -> JPG;
        default ->
            throw new IllegalArgumentException(
                "unknown image format '" + name + "': use png or jpg");
      };
    }
  }

  public GrayImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "an image needs a positive size, got " + width + "x" + height);
    }
    if (pixels.length != (long) width * height) {
      throw new IllegalArgumentException(
          "a "
              + width
              + "x"
              + height
              + " grayscale image needs "
              + (long) width * height
              + " bytes, got "
              + pixels.length);
    }
  }

  /** A 48x48 face, as held by {@link FaceSet} and FER2013 rows. */
  public static GrayImage ofFace(byte[] facePixels) {
    return new GrayImage(FaceSet.SIDE, FaceSet.SIDE, facePixels);
  }

  /**
   * Converts any image to gray by ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B), the weighting
   * FER2013's own grayscale and PIL's "L" mode use. Gray images are copied as they are: going
   * through RGB would pass their values through a colour-space conversion and change them.
   */
  public static GrayImage of(BufferedImage image) {
    int width = image.getWidth();
    int height = image.getHeight();
    byte[] gray = new byte[width * height];
    Raster raster = image.getRaster();
    if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      raster.getDataElements(0, 0, width, height, gray);
      return new GrayImage(width, height, gray);
    }
    if (image.getColorModel() instanceof ComponentColorModel model
        && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY
        && raster.getNumBands() == 1) {
      // Other gray images (16-bit, packed) keep their stored values, scaled to 8 bits; a palette
      // image is not one of them, its samples are colour indices.
      int bits = image.getColorModel().getComponentSize(0);
      int[] samples = raster.getSamples(0, 0, width, height, 0, (int[]) null);
      for (int i = 0; i < samples.length; i++) {
        gray[i] = (byte) Math.round(samples[i] * 255.0 / ((1 << bits) - 1));
      }
      return new GrayImage(width, height, gray);
    }
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      image.getRGB(0, y, width, 1, row, 0, width);
      for (int x = 0; x < width; x++) {
        int rgb = row[x];
        int r = (rgb >>> 16) & 0xFF;
        int g = (rgb >>> 8) & 0xFF;
        int b = rgb & 0xFF;
        gray[y * width + x] = (byte) ((299 * r + 587 * g + 114 * b + 500) / 1000);
      }
    }
    return new GrayImage(width, height, gray);
  }

  /** Reads a PNG, JPEG (or any format ImageIO knows) and converts it to gray. */
  public static GrayImage read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such image file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      BufferedImage image = ImageIO.read(in);
      if (image == null) {
        throw new IOException(file + ": not an image in a known format (PNG or JPEG)");
      }
      return of(image);
    }
  }

  /** Reads an image from bytes (an encoded PNG or JPEG) and converts it to gray. */
  public static GrayImage decode(byte[] encoded, String source) throws IOException {
    BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(encoded));
    if (image == null) {
      throw new IOException(source + ": not an image in a known format (PNG or JPEG)");
    }
    return of(image);
  }

  /** The pixels of a region of this image, which must lie inside it. */
  public GrayImage crop(Region region) {
    if (!region.equals(region.within(width, height))) {
      throw new IllegalArgumentException(
          "region " + region + " is not inside this " + width + "x" + height + " image");
    }
    byte[] cropped = new byte[region.width() * region.height()];
    for (int row = 0; row < region.height(); row++) {
      System.arraycopy(
          pixels,
          (region.y() + row) * width + region.x(),
          cropped,
          row * region.width(),
          region.width());
    }
    return new GrayImage(region.width(), region.height(), cropped);
  }

  /** The pixel at column x, row y, as 0..255. */
  public int at(int x, int y) {
    return pixels[y * width + x] & 0xFF;
  }

  /** An 8-bit gray BufferedImage sharing nothing with this record. */
  public BufferedImage toBufferedImage() {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster raster = image.getRaster();
    byte[] target = ((DataBufferByte) raster.getDataBuffer()).getData();
    System.arraycopy(pixels, 0, target, 0, pixels.length);
    return image;
  }

  /** Writes the image as {@code format}, creating parent folders. */
  public void write(Path file, Format format) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(toBufferedImage(), format.extension(), file.toFile())) {
      throw new IOException("no ImageIO writer for " + format + " on this JVM");
    }
  }
}
