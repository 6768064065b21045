package io.emotionstream.trainer;

import io.emotionstream.avro.CommandType;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.TrainingMode;
import io.emotionstream.model.Hyperparameters;
import java.time.Instant;
import java.util.UUID;

/** The meaning of control commands: a RETRAIN's hyperparameters and run id, and building commands. */
public final class RetrainCommands {
  private RetrainCommands() {}

  /**
   * The run a RETRAIN starts. Derived from the command id so that every process (trainer, the
   * {@code retrain --follow} client, a restarted trainer) names the same run without asking.
   */
  public static String runId(String commandId) {
    return "run-" + commandId;
  }

  /** The command's hyperparameters, nulls taking the seed's defaults; validated by the model. */
  public static Hyperparameters hyperparameters(ControlCommand command) {
    Hyperparameters d = Hyperparameters.DEFAULTS;
    return new Hyperparameters(
        or(command.getEpochs(), d.epochs()),
        or(command.getLearningRate(), d.learningRate()),
        or(command.getBatchSize(), d.batchSize()),
        command.getOptimizer() == null ? d.optimizer() : command.getOptimizer(),
        or(command.getMomentum(), d.momentum()),
        or(command.getWeightDecay(), d.weightDecay()),
        or(command.getDropout(), d.dropout()),
        command.getLoss() == null ? d.loss() : command.getLoss(),
        or(command.getSeed(), d.seed()));
  }

  public static TrainingMode mode(ControlCommand command) {
    return command.getMode() == null ? TrainingMode.SCRATCH : command.getMode();
  }

  /** A RETRAIN with a fresh id; leave a builder field null for the default. */
  public static ControlCommand.Builder retrain() {
    return ControlCommand.newBuilder()
        .setCommandId(UUID.randomUUID().toString())
        .setType(CommandType.RETRAIN)
        .setIssuedTimeMs(Instant.now())
        .setRequestedBy(System.getProperty("user.name"));
  }

  /** A CANCEL of {@code runId}, or of whatever runs when it is null. */
  public static ControlCommand cancel(String runId) {
    return ControlCommand.newBuilder()
        .setCommandId(UUID.randomUUID().toString())
        .setType(CommandType.CANCEL)
        .setIssuedTimeMs(Instant.now())
        .setTargetRunId(runId)
        .setRequestedBy(System.getProperty("user.name"))
        .build();
  }

  /** A PROMOTE of {@code version}, for the classifiers; {@code reason} may be null. */
  public static ControlCommand promote(long version, String reason) {
    return ControlCommand.newBuilder()
        .setCommandId(UUID.randomUUID().toString())
        .setType(CommandType.PROMOTE)
        .setIssuedTimeMs(Instant.now())
        .setTargetVersion(version)
        .setReason(reason)
        .setRequestedBy(System.getProperty("user.name"))
        .build();
  }

  /** A ROLLBACK to the version served before the current one, for the classifiers; {@code reason} may be null. */
  public static ControlCommand rollback(String reason) {
    return ControlCommand.newBuilder()
        .setCommandId(UUID.randomUUID().toString())
        .setType(CommandType.ROLLBACK)
        .setIssuedTimeMs(Instant.now())
        .setReason(reason)
        .setRequestedBy(System.getProperty("user.name"))
        .build();
  }

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }
}
