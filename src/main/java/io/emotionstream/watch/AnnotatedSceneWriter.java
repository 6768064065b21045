package io.emotionstream.watch;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where {@code emotion watch --out} puts the annotated scenes: a folder of PNGs or a video file.
 */
public interface AnnotatedSceneWriter extends AutoCloseable {

  void write(AnnotatedScene scene, BufferedImage picture) throws IOException;

  /** What was written where, in words. */
  String describe();

  /** Finishes the output (a video file is unreadable without its trailer). */
  @Override
  void close() throws IOException;

  /**
   * The writer for a path: a video file for a known video extension, a folder of PNGs for a path
   * without an extension or an existing folder.
   *
   * @param framesPerSecond a video's frame rate; 0 to take it from the scenes' times
   * @param severalSources more than one source may come: PNGs go to a folder per source, and a
   *     video is refused
   * @throws IllegalArgumentException for an extension that is not a video type written here, or a
   *     video file for several sources
   */
  static AnnotatedSceneWriter open(Path out, double framesPerSecond, boolean severalSources)
      throws IOException {
    String name = out.getFileName() == null ? "" : out.getFileName().toString();
    int dot = name.lastIndexOf('.');
    if (Files.isDirectory(out) || dot <= 0) {
      return new PngFolderWriter(out, severalSources);
    }
    String extension = name.substring(dot + 1).toLowerCase(Locale.ROOT);
    VideoFileWriter.Container container =
        VideoFileWriter.Container.byExtension(extension)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--out "
                            + out
                            + ": ."
                            + extension
                            + " is not a video type written here; use .mp4, .mkv, .avi or .webm, or a path without an extension"
                            + " for a folder of PNGs"));
    if (severalSources) {
      throw new IllegalArgumentException(
          "--out "
              + out
              + ": a video file shows one source; give one --source-id,"
              + " or write PNGs to a folder");
    }
    return new VideoFileWriter(out, container, framesPerSecond);
  }
}
