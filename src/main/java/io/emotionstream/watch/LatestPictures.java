package io.emotionstream.watch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * The latest annotated picture of each source, as JPEG, for the dashboard's live video: each
 * picture is encoded once and shared by every viewer, who can wait for the next one. Bounded: the
 * sources updated least recently go first. Thread-safe: one thread puts, any number read and wait.
 */
public final class LatestPictures {
  /**
   * @param sequence grows with every picture put, of any source: a viewer waits for one above the
   *     last it sent
   * @param faces each classified face's label ("happy 87%"), by face index
   */
  public record Picture(
      String sourceId,
      long sceneIndex,
      long sceneTimeMs,
      int faceCount,
      List<String> faces,
      byte[] jpeg,
      long sequence,
      long updatedTimeMs) {}

  private final int maxSources;
  private final LinkedHashMap<String, Picture> bySource = new LinkedHashMap<>();
  private long sequence;

  public LatestPictures(int maxSources) {
    if (maxSources < 1) {
      throw new IllegalArgumentException("must keep at least one source, got " + maxSources);
    }
    this.maxSources = maxSources;
  }

  public synchronized void put(AnnotatedScene scene, byte[] jpeg, long nowMs) {
    List<String> faces = scene.faces().stream().map(SceneAnnotator::label).toList();
    bySource.remove(scene.sourceId()); // re-inserted: the most recently updated last
    bySource.put(
        scene.sourceId(),
        new Picture(
            scene.sourceId(),
            scene.sceneIndex(),
            scene.scene().getSceneTimeMs(),
            scene.scene().getFaces().size(),
            faces,
            jpeg,
            ++sequence,
            nowMs));
    if (bySource.size() > maxSources) {
      bySource.remove(bySource.keySet().iterator().next());
    }
    notifyAll();
  }

  public synchronized Optional<Picture> latest(String sourceId) {
    return Optional.ofNullable(bySource.get(sourceId));
  }

  /**
   * The source's latest picture once it is newer than {@code afterSequence}; empty if none came
   * within the timeout or the source was dropped.
   */
  public synchronized Optional<Picture> awaitNewer(
      String sourceId, long afterSequence, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Picture latest = bySource.get(sourceId);
      if (latest == null) {
        return Optional.empty();
      }
      if (latest.sequence() > afterSequence) {
        return Optional.of(latest);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Every source's latest picture, by source id. */
  public synchronized List<Picture> all() {
    List<Picture> pictures = new ArrayList<>(bySource.values());
    pictures.sort(Comparator.comparing(Picture::sourceId));
    return pictures;
  }
}
