package io.emotionstream.watch;

import java.time.Duration;
import java.util.Set;

/**
 * What a watch reads and when it ends.
 *
 * @param sourceIds the sources watched; empty for every source
 * @param fromBeginning replay what the topics still hold (scenes are kept an hour) instead of
 *     starting at their end
 * @param sceneWait how long a scene waits for the events of its faces before it is drawn with those
 *     it has
 * @param limit end after this many scenes; 0 for no limit
 * @param duration end after this long; zero for no limit
 */
public record WatchSettings(
    Set<String> sourceIds,
    boolean fromBeginning,
    Duration sceneWait,
    long limit,
    Duration duration) {

  public WatchSettings {
    sourceIds = Set.copyOf(sourceIds);
    if (sceneWait.isNegative()) {
      throw new IllegalArgumentException("--wait must not be negative, got " + sceneWait);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("--limit must not be negative, got " + limit);
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("--duration must not be negative, got " + duration);
    }
  }

  /** Every source, from the end of the topics, until closed. */
  public static WatchSettings everySource(boolean fromBeginning) {
    return new WatchSettings(
        Set.of(), fromBeginning, SceneJoin.Limits.DEFAULT_SCENE_WAIT, 0, Duration.ZERO);
  }

  public boolean watches(String sourceId) {
    return sourceIds.isEmpty() || sourceIds.contains(sourceId);
  }

  /** More than one source may show up: outputs keep them apart. */
  public boolean severalSources() {
    return sourceIds.size() != 1;
  }

  public SceneJoin.Limits joinLimits() {
    return SceneJoin.Limits.of(sceneWait, SceneJoin.Limits.DEFAULT_SUPERSEDE_AFTER);
  }
}
