package io.emotionstream.control;

import io.emotionstream.avro.RunState;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which states of a training run are its last: after one of them the trainer says nothing more of
 * the run.
 */
public final class RunStates {
  private static final Set<RunState> FINISHED =
      EnumSet.of(RunState.COMPLETED, RunState.CANCELLED, RunState.FAILED, RunState.REJECTED);

  private RunStates() {}

  public static boolean isFinished(RunState state) {
    return FINISHED.contains(state);
  }
}
