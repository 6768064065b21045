package io.emotionstream.producer;

import io.emotionstream.data.FaceResizer;
import io.emotionstream.data.FaceSet;
import io.emotionstream.data.GrayImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every image file of a folder (PNG, JPG, BMP, GIF; any size, any colour), in name order, as a
 * 48x48 grayscale frame. A file that does not decode is reported as unreadable and the rest go on.
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
      List<Path> images =
          entries
              .filter(Files::isRegularFile)
              .filter(ImageFolderFrames::hasImageExtension)
              .sorted()
              .toList();
      if (images.isEmpty()) {
        throw new IOException(
            folder + " holds no image files (" + String.join(", ", EXTENSIONS) + ")");
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
      byte[] face = FaceResizer.toFace(GrayImage.read(file));
      return new FrameInput.Image(location, FaceSet.SIDE, FaceSet.SIDE, face, null);
    } catch (IOException | RuntimeException e) {
      return new FrameInput.Unreadable(location, "cannot decode image: " + e.getMessage(), null);
    }
  }

  private static boolean hasImageExtension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  @Override
  public void close() {}
}
