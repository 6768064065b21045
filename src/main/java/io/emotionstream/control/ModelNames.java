package io.emotionstream.control;

/**
 * The model name every service and command takes when none is given. The trainer, the classifiers
 * and the dashboard find one another's records by it (the key of commands, checkpoints and serving
 * decisions), so their defaults must be this one value.
 */
public final class ModelNames {
  /** A compile-time constant, so that picocli options can name it as their default. */
  public static final String DEFAULT = "deep-emotion";

  private ModelNames() {}
}
