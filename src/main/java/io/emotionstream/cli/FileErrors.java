package io.emotionstream.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * A failure in words. File-system exceptions carry only the path as their message, which says
 * nothing of what is wrong with it.
 */
final class FileErrors {
  private FileErrors() {}

  static String describe(Throwable e) {
    Throwable cause = e;
    // A wrapper that adds nothing but its cause's class name says less than the cause itself.
    while (cause.getCause() != null
        && (cause instanceof UncheckedIOException
            || cause.getCause().toString().equals(cause.getMessage()))) {
      cause = cause.getCause();
    }
    if (cause instanceof FileSystemException failure) {
      return describe(failure);
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String describe(FileSystemException e) {
    String file = e.getFile();
    if (e instanceof NoSuchFileException) {
      return noSuchFile(file);
    }
    if (e instanceof AccessDeniedException) {
      return permissionDenied(file);
    }
    if (e instanceof NotDirectoryException) {
      return notAFolder(file);
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists and is in the way: " + file;
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "folder not empty: " + file;
    }
    return e.getMessage();
  }

  static String noSuchFile(String path) {
    return "no such file: " + path;
  }

  static String permissionDenied(String path) {
    return "permission denied: " + path;
  }

  static String notAFolder(String path) {
    return "not a folder: " + path;
  }
}
