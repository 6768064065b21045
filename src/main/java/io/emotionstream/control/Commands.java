package io.emotionstream.control;

import io.emotionstream.avro.CommandType;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.TrainingMode;
import io.emotionstream.model.Hyperparameters;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * The control commands: building them, and what a RETRAIN means (its run id, hyperparameters and
 * mode).
 */
public final class Commands {
  private Commands() {}

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
        or(command.getOptimizer(), d.optimizer()),
        or(command.getMomentum(), d.momentum()),
        or(command.getWeightDecay(), d.weightDecay()),
        or(command.getDropout(), d.dropout()),
        or(command.getLoss(), d.loss()),
        or(command.getSeed(), d.seed()));
  }

  public static TrainingMode mode(ControlCommand command) {
    return or(command.getMode(), TrainingMode.SCRATCH);
  }

  /**
   * The mode as people write it: scratch or fine-tune, in any case, with - or _ or nothing between.
   */
  public static TrainingMode mode(String written) {
    return switch (written.trim().toLowerCase(Locale.ROOT)) {
      case "scratch" -> TrainingMode.SCRATCH;
      case "fine-tune", "fine_tune", "finetune" -> TrainingMode.FINE_TUNE;
      default ->
          throw new IllegalArgumentException(
              "mode must be scratch or fine-tune, got '" + written + "'");
    };
  }

  /** A RETRAIN with a fresh id; leave a builder field null for the default. */
  public static ControlCommand.Builder retrain() {
    return issued(CommandType.RETRAIN);
  }

  /** A CANCEL of {@code runId}, or of whatever runs when it is null. */
  public static ControlCommand cancel(String runId) {
    return issued(CommandType.CANCEL).setTargetRunId(runId).build();
  }

  /** A PROMOTE of {@code version}, for the classifiers; {@code reason} may be null. */
  public static ControlCommand promote(long version, String reason) {
    return issued(CommandType.PROMOTE).setTargetVersion(version).setReason(reason).build();
  }

  /**
   * A ROLLBACK to the version served before the current one, for the classifiers; {@code reason}
   * may be null.
   */
  public static ControlCommand rollback(String reason) {
    return issued(CommandType.ROLLBACK).setReason(reason).build();
  }

  /** A command of {@code type} with a fresh id, issued now by whoever runs this process. */
  private static ControlCommand.Builder issued(CommandType type) {
    return ControlCommand.newBuilder()
        .setCommandId(UUID.randomUUID().toString())
        .setType(type)
        .setIssuedTimeMs(Instant.now())
        .setRequestedBy(System.getProperty("user.name"));
  }

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }
}
