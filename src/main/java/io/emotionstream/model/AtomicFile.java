package io.emotionstream.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Model files written whole or not at all: a reader, the classifier's among them, never sees half a
 * file.
 */
final class AtomicFile {
  private AtomicFile() {}

  /**
   * Writes {@code bytes} beside {@code file} under a temporary name, then renames it over {@code
   * file}.
   */
  static void write(Path file, byte[] bytes) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".part");
    try {
      Files.write(temporary, bytes);
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
