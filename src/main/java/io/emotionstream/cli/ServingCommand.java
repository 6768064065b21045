package io.emotionstream.cli;

import io.emotionstream.control.ModelNames;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.monitor.ServingLines;
import io.emotionstream.monitor.ServingStates;
import io.emotionstream.monitor.ServingSummary;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "serving",
    mixinStandardHelpOptions = true,
    description =
        "Show what the classifiers serve: the version and its validation accuracy, the candidate scored "
            + "beside it and how they compare, the version a rollback returns to, the policy, and the last decision "
            + "with its reason. Exit 1 if no classifier has decided anything for the model yet.")
public final class ServingCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;

  @Option(
      names = "--model-name",
      defaultValue = ModelNames.DEFAULT,
      paramLabel = "NAME",
      description = "The model (default ${DEFAULT-VALUE}).")
  String modelName;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ConnectionSettings settings = connection.settings();
    ServingSummary state =
        new ServingStates(settings, TopicSerdes.connect(settings), modelName)
            .latest()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no serving decision for model '"
                            + modelName
                            + "' on "
                            + settings.topics().serving()
                            + " yet: a classifier publishes one when it serves its first model"));
    PrintWriter out = spec.commandLine().getOut();
    ServingLines.state(state).forEach(out::println);
    out.flush();
    return 0;
  }
}
