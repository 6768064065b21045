package io.emotionstream.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * torch's {@code no_grad()} for the calling thread: operations on parameters record no autograd
 * graph. libtorch keeps the switch per thread and starts every thread with it on; DJL turns it off
 * only on the thread that loads the engine, so a classifier's inference threads would otherwise
 * build, and then drop, a graph for every operation of every batch. The previous setting is put
 * back on close, so a training step's gradient collector on the same thread is unaffected.
 */
final class NoGradScope implements AutoCloseable {
  private final boolean wasEnabled;

  private NoGradScope(boolean wasEnabled) {
    this.wasEnabled = wasEnabled;
  }

  static NoGradScope enter() {
    boolean enabled = JniUtils.isGradMode();
    if (enabled) {
      JniUtils.setGradMode(false);
    }
    return new NoGradScope(enabled);
  }

  @Override
  public void close() {
    if (wasEnabled) {
      JniUtils.setGradMode(true);
    }
  }
}
