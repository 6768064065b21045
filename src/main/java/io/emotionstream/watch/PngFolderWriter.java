package io.emotionstream.watch;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * One PNG per scene, named by its index ({@code frame-000123.png}); with several sources, a folder
 * per source. Each file appears whole: it is written under a temporary name and renamed.
 */
public final class PngFolderWriter implements AnnotatedSceneWriter {
  private final Path folder;
  private final boolean folderPerSource;
  private final Map<String, long[]> lastIndexAndRun = new HashMap<>();
  private long written;

  public PngFolderWriter(Path folder, boolean folderPerSource) throws IOException {
    this.folder = folder;
    this.folderPerSource = folderPerSource;
    Files.createDirectories(folder);
  }

  /**
   * The file a scene goes to: {@code frame-000123.png}, or {@code frame-000123-run2.png} once a
   * source started over.
   */
  public static String fileName(long sceneIndex, long run) {
    return String.format(
        Locale.ROOT, run == 0 ? "frame-%06d.png" : "frame-%06d-run%d.png", sceneIndex, run + 1);
  }

  /**
   * A source id as a folder name: characters other than letters, digits, '.', '_' and '-' become
   * '_'.
   */
  public static String folderName(String sourceId) {
    String safe = sourceId.replaceAll("[^A-Za-z0-9._-]", "_");
    return safe.isEmpty() || safe.matches("\\.+") ? "_" + safe : safe;
  }

  @Override
  public void write(AnnotatedScene scene, BufferedImage picture) throws IOException {
    Path target = folderPerSource ? folder.resolve(folderName(scene.sourceId())) : folder;
    Files.createDirectories(target);
    // A source that starts over counts its scenes from 0 again: its new files must not replace the
    // old ones.
    long[] last = lastIndexAndRun.computeIfAbsent(scene.sourceId(), id -> new long[] {-1, 0});
    if (scene.sceneIndex() <= last[0]) {
      last[1]++;
    }
    last[0] = scene.sceneIndex();
    Path file = target.resolve(fileName(scene.sceneIndex(), last[1]));
    Path partial = target.resolve(file.getFileName() + ".partial");
    if (!ImageIO.write(picture, "png", partial.toFile())) {
      throw new IOException("no PNG writer for a picture of type " + picture.getType());
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    written++;
  }

  @Override
  public String describe() {
    return written + " PNGs in " + folder;
  }

  @Override
  public void close() {
    // every file is complete once written
  }
}
