package io.emotionstream.producer.video;

import java.util.ArrayDeque;

/**
 * The decoded frames waiting for detection, at most {@code capacity} of them. From a source that
 * cannot wait (live, or paced in real time) a frame that finds the queue full pushes out the
 * oldest, which is counted as dropped: what is shown stays current. From a file read as fast as
 * possible the reader waits instead, and nothing is lost.
 */
final class SceneQueue {
  private final ArrayDeque<DecodedScene> scenes = new ArrayDeque<>();
  private final int capacity;
  private final boolean dropOldest;
  private long dropped;
  private boolean finished;

  SceneQueue(int capacity, boolean dropOldest) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "the scene queue needs room for at least one frame, got " + capacity);
    }
    this.capacity = capacity;
    this.dropOldest = dropOldest;
  }

  synchronized void put(DecodedScene scene) throws InterruptedException {
    while (scenes.size() >= capacity) {
      if (dropOldest) {
        scenes.removeFirst().close();
        dropped++;
      } else {
        wait();
      }
    }
    scenes.addLast(scene);
    notifyAll();
  }

  /** The oldest waiting frame; null once the reader has finished and none is left. */
  synchronized DecodedScene take() throws InterruptedException {
    while (scenes.isEmpty() && !finished) {
      wait();
    }
    DecodedScene scene = scenes.pollFirst();
    notifyAll();
    return scene;
  }

  /** No more frames will come. */
  synchronized void finish() {
    finished = true;
    notifyAll();
  }

  /** Releases the frames still waiting, when nobody will take them. */
  synchronized void discard() {
    scenes.forEach(DecodedScene::close);
    scenes.clear();
    finished = true;
    notifyAll();
  }

  synchronized long dropped() {
    return dropped;
  }
}
