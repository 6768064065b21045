package io.emotionstream.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters of the options that name something to read: a path that is missing, of the wrong kind
 * or unreadable is refused while the command line is parsed, with what is wrong, before any work
 * starts (a command would otherwise connect to Kafka first, or start a whole demo).
 */
final class InputPath {
  private InputPath() {}

  /** A file to read. */
  static final class File implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      Path path = existing(value);
      if (Files.isDirectory(path)) {
        throw new TypeConversionException("is a folder, not a file: " + value);
      }
      return readable(path, value);
    }
  }

  /** A folder to read. */
  static final class Folder implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      Path path = existing(value);
      if (!Files.isDirectory(path)) {
        throw new TypeConversionException(FileErrors.notAFolder(value));
      }
      return readable(path, value);
    }
  }

  /** A file, or a folder the command looks into (a data set's index). */
  static final class FileOrFolder implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      return readable(existing(value), value);
    }
  }

  private static Path existing(String value) {
    Path path;
    try {
      path = Path.of(value);
    } catch (InvalidPathException e) {
      throw new TypeConversionException("not a valid path: " + e.getMessage());
    }
    if (!Files.exists(path)) {
      throw new TypeConversionException(FileErrors.noSuchFile(value));
    }
    return path;
  }

  private static Path readable(Path path, String value) {
    if (!Files.isReadable(path)) {
      throw new TypeConversionException(FileErrors.permissionDenied(value));
    }
    return path;
  }
}
