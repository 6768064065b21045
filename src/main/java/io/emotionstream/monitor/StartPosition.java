package io.emotionstream.monitor;

/**
 * Where the monitor starts reading the streams; checkpoints are always read whole (see {@link
 * MonitorFeed}).
 */
public enum StartPosition {
  /** Only what is written from now on. */
  END,
  /** Replay everything the topics still hold. */
  BEGINNING
}
