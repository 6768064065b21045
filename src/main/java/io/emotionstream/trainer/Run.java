package io.emotionstream.trainer;

import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.TrainingMode;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.control.Commands;
import io.emotionstream.model.Hyperparameters;
import java.time.Instant;

/** A training run the trainer has accepted: what it was asked and how far it has come. */
final class Run {
  final String commandId;
  final String runId;
  final Hyperparameters hyperparameters;
  final TrainingMode mode;

  /** Epochs already completed and checkpointed before this process took the run over. */
  int epochsDone;

  /** The best validation accuracy among the checkpoints published so far; NaN before the first. */
  double bestValidation = Double.NaN;

  boolean resumed;

  /**
   * The version of the run's latest checkpoint, by this process or the one it took the run over
   * from.
   */
  Long lastCheckpointVersion;

  volatile boolean cancelRequested;

  Run(ControlCommand command, Hyperparameters hyperparameters) {
    this.commandId = command.getCommandId();
    this.runId = Commands.runId(command.getCommandId());
    this.hyperparameters = hyperparameters;
    this.mode = Commands.mode(command);
  }

  TrainingStatus.Builder status(RunState state) {
    return status(runId, commandId, state, epochsDone, hyperparameters.epochs());
  }

  static TrainingStatus.Builder status(
      String runId, String commandId, RunState state, int epoch, int totalEpochs) {
    return TrainingStatus.newBuilder()
        .setRunId(runId)
        .setCommandId(commandId)
        .setState(state)
        .setEpoch(epoch)
        .setTotalEpochs(totalEpochs)
        .setTimeMs(Instant.now());
  }
}
