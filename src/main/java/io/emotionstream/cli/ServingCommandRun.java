package io.emotionstream.cli;

import io.emotionstream.avro.ControlCommand;
import io.emotionstream.control.CommandSender;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.monitor.ServingLines;
import io.emotionstream.monitor.ServingStates;
import io.emotionstream.monitor.ServingSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * What {@code promote} and {@code rollback} share: send the command, wait for the classifiers'
 * answer on the serving topic, print it, and turn it into the exit code.
 */
final class ServingCommandRun {
  /** The classifiers followed the command. */
  static final int FOLLOWED = 0;

  /** A classifier answered that it would not follow the command; nothing changed. */
  static final int REFUSED = 1;

  /** No classifier answered in time; the command waits on the control topic. */
  static final int NO_ANSWER = 3;

  private ServingCommandRun() {}

  static int sendAndAwait(
      CommandLine commandLine,
      ConnectionOptions connection,
      String modelName,
      ControlCommand command,
      Duration timeout) {
    if (timeout.isZero() || timeout.isNegative()) {
      throw new ParameterException(commandLine, "--timeout must be longer than 0, got " + timeout);
    }
    ConnectionSettings settings = connection.settings();
    TopicSerdes serdes = TopicSerdes.connect(settings);
    ServingStates states = new ServingStates(settings, serdes, modelName);
    if (states.latest().isEmpty()) {
      // A classifier could not answer: it dead-letters a command that comes before its first model.
      throw new IllegalStateException(
          "no version of "
              + modelName
              + " serves yet (no decision on "
              + settings.topics().serving()
              + "): the classifiers follow "
              + command.getType()
              + " once they serve a first model; nothing sent");
    }
    // Taken before sending, so the answer lies beyond it however fast a classifier is.
    ServingStates.Position before = states.end();
    CommandSender.sendOnce(settings, serdes, modelName, command);
    Optional<ServingSummary> answer = states.awaitAnswer(command.getCommandId(), before, timeout);

    PrintWriter out = commandLine.getOut();
    PrintWriter err = commandLine.getErr();
    String asked = command.getType() + " " + command.getCommandId();
    try {
      if (answer.isEmpty()) {
        err.println(
            commandLine
                .getColorScheme()
                .errorText(
                    "error: no classifier answered "
                        + asked
                        + " within "
                        + written(timeout)
                        + ": the command is on "
                        + settings.topics().control()
                        + "; a classifier applies it when it runs"));
        return NO_ANSWER;
      }
      ServingSummary state = answer.get();
      if (state.followedCommand()) {
        out.println(ServingLines.decision(state));
        return FOLLOWED;
      }
      // The classifiers' reason names the command and why ("PROMOTE refused: …").
      err.println(
          commandLine
              .getColorScheme()
              .errorText(
                  "error: "
                      + modelName
                      + ": "
                      + state.reason()
                      + " (version "
                      + state.served().version()
                      + " serves on)"));
      return REFUSED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static String written(Duration timeout) {
    return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms";
  }
}
