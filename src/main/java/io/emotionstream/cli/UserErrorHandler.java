package io.emotionstream.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Turns an exception escaping a command into one line on stderr and exit code 1. */
final class UserErrorHandler implements IExecutionExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(UserErrorHandler.class);

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parseResult) {
    command
        .getErr()
        .println(command.getColorScheme().errorText("error: " + FileErrors.describe(e)));
    LOG.debug("{} failed", command.getCommandName(), e);
    return 1;
  }
}
