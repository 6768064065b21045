package io.emotionstream.cli;

import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.control.CommandSender;
import io.emotionstream.control.Commands;
import io.emotionstream.control.ModelNames;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.trainer.RunFollower;
import io.emotionstream.trainer.StatusLines;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "retrain",
    mixinStandardHelpOptions = true,
    description = {
      "Ask the trainer for a training run (prints the command and run ids), or cancel one.",
      "Hyperparameters default to the seed project's; a bad one is refused with the trainer's own rules before "
          + "anything is sent."
    })
public final class RetrainCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;

  @Option(
      names = "--model-name",
      defaultValue = ModelNames.DEFAULT,
      paramLabel = "NAME",
      description = "Model to retrain (default ${DEFAULT-VALUE}).")
  String modelName;

  @Option(
      names = "--cancel",
      arity = "0..1",
      fallbackValue = "",
      paramLabel = "RUN",
      description = "Cancel the run RUN, or the run in progress when RUN is left out.")
  String cancel;

  @Option(
      names = "--mode",
      defaultValue = "scratch",
      paramLabel = "scratch|fine-tune",
      description =
          "Start from fresh weights or from the latest checkpoint (default ${DEFAULT-VALUE}).")
  String mode;

  @Mixin HyperparameterOptions hyperparameters;

  @Option(
      names = "--follow",
      description =
          "Show the run's progress, one line per epoch, until it ends; "
              + "exit 0 when it completes, 1 otherwise.")
  boolean follow;

  @Option(
      names = "--timeout",
      converter = DurationConverter.class,
      paramLabel = "D",
      description =
          "With --follow: stop following after D if the run has not ended (exit 1); the command stays "
              + "on the control topic for a trainer to run. Default: no limit.")
  Duration timeout;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (cancel != null) {
      ControlCommand sent = send(Commands.cancel(cancel.isEmpty() ? null : cancel));
      System.out.println(
          "cancel "
              + (cancel.isEmpty() ? "of the current run" : cancel)
              + " sent as command "
              + sent.getCommandId());
      return 0;
    }
    ControlCommand command =
        hyperparameters.into(Commands.retrain().setMode(Commands.mode(mode))).build();
    try {
      Commands.hyperparameters(
          command); // what the trainer checks: a command it would reject is not sent
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    send(command);
    String runId = Commands.runId(command.getCommandId());
    System.out.println("command " + command.getCommandId() + " sent; run " + runId);
    if (!follow) {
      return 0;
    }
    String notPickedUp =
        "no trainer has picked up command "
            + command.getCommandId()
            + " yet (is a trainer running "
            + "for model '"
            + modelName
            + "'?); still waiting"
            + (timeout == null ? ", Ctrl-C stops" : "");
    ConnectionSettings settings = connection.settings();
    RunFollower run = new RunFollower(settings, TopicSerdes.connect(settings));
    TrainingStatus last =
        run.follow(
                runId,
                command.getIssuedTimeMs(),
                timeout,
                status -> System.out.println(StatusLines.describe(status)),
                () -> System.out.println(notPickedUp))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "run "
                            + runId
                            + " has not ended after "
                            + timeout.toSeconds()
                            + "s; the command stays on the control topic for a trainer to run (emotion retrain --cancel "
                            + runId
                            + " withdraws it)"));
    return last.getState() == RunState.COMPLETED ? 0 : 1;
  }

  private ControlCommand send(ControlCommand command) {
    ConnectionSettings settings = connection.settings();
    return CommandSender.sendOnce(settings, TopicSerdes.connect(settings), modelName, command);
  }
}
