package io.emotionstream.cli;

import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.TrainingMode;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.trainer.RetrainCommands;
import io.emotionstream.trainer.StatusLines;
import io.emotionstream.trainer.TrainerControl;
import io.emotionstream.trainer.TrainerSettings;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "retrain", mixinStandardHelpOptions = true,
    description = {"Ask the trainer for a training run (prints the command and run ids), or cancel one.",
        "Hyperparameters default to the seed project's; the trainer checks them and rejects a bad one."})
public final class RetrainCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;

  @Option(names = "--model-name", defaultValue = TrainerSettings.DEFAULT_MODEL_NAME, paramLabel = "NAME",
      description = "Model to retrain (default ${DEFAULT-VALUE}).")
  String modelName;

  @Option(names = "--cancel", arity = "0..1", fallbackValue = "", paramLabel = "RUN",
      description = "Cancel the run RUN, or the run in progress when RUN is left out.")
  String cancel;

  @Option(names = "--mode", defaultValue = "scratch", paramLabel = "scratch|fine-tune",
      description = "Start from fresh weights or from the latest checkpoint (default ${DEFAULT-VALUE}).")
  String mode;

  @Mixin HyperparameterOptions hyperparameters;

  @Option(names = "--follow", description = "Show the run's progress, one line per epoch, until it ends; "
      + "exit 0 when it completes, 1 otherwise.")
  boolean follow;

  @Override
  public Integer call() {
    ConnectionSettings settings = connection.settings();
    TrainerControl control = new TrainerControl(settings, TopicSerdes.connect(settings), modelName);
    if (cancel != null) {
      ControlCommand sent = control.send(RetrainCommands.cancel(cancel.isEmpty() ? null : cancel));
      System.out.println("cancel " + (cancel.isEmpty() ? "of the current run" : cancel) + " sent as command "
          + sent.getCommandId());
      return 0;
    }
    ControlCommand command = hyperparameters.into(RetrainCommands.retrain().setMode(parseMode(mode))).build();
    control.send(command);
    String runId = RetrainCommands.runId(command.getCommandId());
    System.out.println("command " + command.getCommandId() + " sent; run " + runId);
    if (!follow) {
      return 0;
    }
    TrainingStatus last = control.follow(runId, command.getIssuedTimeMs(),
        status -> System.out.println(StatusLines.describe(status)));
    return last.getState() == RunState.COMPLETED ? 0 : 1;
  }

  private static TrainingMode parseMode(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "scratch" -> TrainingMode.SCRATCH;
      case "fine-tune", "fine_tune", "finetune" -> TrainingMode.FINE_TUNE;
      default -> throw new IllegalArgumentException("--mode " + value + " is unknown: use scratch or fine-tune");
    };
  }
}
