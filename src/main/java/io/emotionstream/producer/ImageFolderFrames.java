package io.emotionstream.producer;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Every image file of a folder (PNG, JPG, BMP, GIF; any size, any colour), in name order, as a grayscale
 * frame. A file that does not decode is reported as unreadable and the rest go on.
 */
public final class ImageFolderFrames implements FrameSource {
  private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif", "wbmp");

  private final Iterator<Path> files;

  private ImageFolderFrames(List<Path> files) {
    this.files = files.iterator();
  }

  public static ImageFolderFrames open(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new IOException(folder + " is not a folder");
    }
    try (Stream<Path> entries = Files.list(folder)) {
      List<Path> images = entries.filter(Files::isRegularFile).filter(ImageFolderFrames::hasImageExtension)
          .sorted().toList();
      if (images.isEmpty()) {
        throw new IOException(folder + " holds no image files (" + String.join(", ", EXTENSIONS) + ")");
      }
      return new ImageFolderFrames(images);
    }
  }

  @Override
  public boolean hasNext() {
    return files.hasNext();
  }

  @Override
  public FrameInput next() {
    Path file = files.next();
    String location = file.getFileName().toString();
    try {
      BufferedImage image = ImageIO.read(file.toFile());
      if (image == null) {
        return new FrameInput.Unreadable(location, "not a readable image (no decoder accepts it)", null);
      }
      return new FrameInput.Image(location, image.getWidth(), image.getHeight(), grayscale(image), null);
    } catch (IOException | RuntimeException e) {
      return new FrameInput.Unreadable(location, "cannot decode image: " + e.getMessage(), null);
    }
  }

  /** Luma of every pixel, row-major, as Java2D's grayscale conversion computes it. */
  private static byte[] grayscale(BufferedImage image) {
    BufferedImage gray = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    gray.getGraphics().drawImage(image, 0, 0, null);
    return ((java.awt.image.DataBufferByte) gray.getRaster().getDataBuffer()).getData();
  }

  private static boolean hasImageExtension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  @Override
  public void close() {}
}
