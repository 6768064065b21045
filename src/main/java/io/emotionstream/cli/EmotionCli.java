package io.emotionstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `emotion` command: one subcommand per user action. */
@Command(
    name = "emotion",
    mixinStandardHelpOptions = true,
    version = "emotion-stream 0.1.0",
    description = "Kafka-native facial emotion recognition.",
    subcommands = {
      CommandLine.HelpCommand.class,
      DemoCommand.class,
      ClusterCommand.class,
      TopicsCommand.class,
      ProduceCommand.class,
      ClassifierCommand.class,
      DatasetCommand.class,
      RegistryCommand.class,
      TrainerCommand.class,
      RetrainCommand.class,
      PublishCheckpointCommand.class,
      PromoteCommand.class,
      RollbackCommand.class,
      ServingCommand.class,
      TrainCommand.class,
      EvaluateCommand.class,
      PredictCommand.class,
      ImportTorchscriptCommand.class,
      ImportPytorchCommand.class,
      ExportCommand.class,
      MonitorCommand.class,
      DashboardCommand.class,
      WatchCommand.class,
    })
public final class EmotionCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command tree; a failure or a mistyped option prints one clear line (the stack trace only at
   * debug level).
   */
  public static CommandLine commandLine() {
    return new CommandLine(new EmotionCli())
        .setExecutionExceptionHandler(new UserErrorHandler())
        .setParameterExceptionHandler(new ParameterErrorHandler());
  }
}
