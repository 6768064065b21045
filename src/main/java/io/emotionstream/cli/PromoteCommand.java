package io.emotionstream.cli;

import io.emotionstream.control.Commands;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

// No mixinStandardHelpOptions: its -V/--version would take the --version this command needs.
@Command(
    name = "promote",
    description = {
      "Ask the classifiers to serve a given model version now, whatever their promotion policy, and wait "
          + "for their answer on the serving topic.",
      "Exit 0 when the version serves, 1 when the classifiers refuse (the reason on stderr), "
          + ServingCommandRun.NO_ANSWER
          + " when none answered within --timeout."
    })
public final class PromoteCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(
      names = "--version",
      required = true,
      converter = ModelVersionConverter.class,
      paramLabel = "V",
      description = "The model version to serve, as numbered on the checkpoints topic (7 or v7).")
  long version;

  @Mixin ServingCommandOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return ServingCommandRun.sendAndAwait(
        spec.commandLine(),
        connection,
        options.modelName,
        Commands.promote(version, options.reason),
        options.timeout);
  }
}
