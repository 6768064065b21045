package io.emotionstream.classifier;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The Kafka Streams state directory of one classifier instance on this host, held until closed.
 * Streams refuses to start on a directory another running instance uses, so each instance takes
 * {@code ROOT/APPLICATION-ID/instance-N} with the lowest N that no running instance holds:
 * instances started side by side get their own, and one restarted alone gets its old one back,
 * state and all. A lock on {@code instance-N.lock} is the hold; the operating system drops it when
 * the process ends, however it ends.
 */
public final class InstanceStateDirectory implements AutoCloseable {
  private static final int MAX_INSTANCES = 1_000;

  private final Path path;
  private final FileChannel locked;

  private InstanceStateDirectory(Path path, FileChannel locked) {
    this.path = path;
    this.locked = locked;
  }

  /**
   * Takes the first free instance directory of {@code applicationId} under {@code root}, creating
   * it.
   */
  public static InstanceStateDirectory claim(Path root, String applicationId) throws IOException {
    Path parent = root.resolve(applicationId);
    Files.createDirectories(parent);
    for (int index = 0; index < MAX_INSTANCES; index++) {
      Path directory = parent.resolve("instance-" + index);
      FileChannel channel =
          FileChannel.open(
              parent.resolve("instance-" + index + ".lock"),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by another instance in this JVM
      }
      if (lock == null) {
        channel.close();
        continue;
      }
      try {
        Files.createDirectories(directory);
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      return new InstanceStateDirectory(directory, channel);
    }
    throw new IOException(
        MAX_INSTANCES
            + " classifier instances of "
            + applicationId
            + " already hold a state "
            + "directory under "
            + root);
  }

  public Path path() {
    return path;
  }

  /** Lets the directory go: closing the channel releases its lock. */
  @Override
  public void close() throws IOException {
    locked.close();
  }
}
