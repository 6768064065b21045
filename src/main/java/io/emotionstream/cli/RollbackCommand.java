package io.emotionstream.cli;

import io.emotionstream.control.Commands;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Ask the classifiers to serve again the version served before the current one, and wait for their "
          + "answer on the serving topic. The version left is held back: it does not become a candidate again.",
      "Exit 0 when the previous version serves, 1 when the classifiers refuse (the reason on stderr), "
          + ServingCommandRun.NO_ANSWER
          + " when none answered within --timeout."
    })
public final class RollbackCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;

  @Mixin ServingCommandOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return ServingCommandRun.sendAndAwait(
        spec.commandLine(),
        connection,
        options.modelName,
        Commands.rollback(options.reason),
        options.timeout);
  }
}
