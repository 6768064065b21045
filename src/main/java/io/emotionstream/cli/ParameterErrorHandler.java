package io.emotionstream.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A mistyped command line gets one line saying what is wrong with which option, not the whole usage
 * (which {@code --help} shows), and picocli's exit code for invalid input.
 */
final class ParameterErrorHandler implements IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(command.getColorScheme().errorText("error: " + describe(e)));
    UnmatchedArgumentException.printSuggestions(e, err);
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static String describe(ParameterException e) {
    if (e.getCause() instanceof TypeConversionException conversion
        && e.getArgSpec() instanceof OptionSpec option) {
      return option.longestName() + ": " + conversion.getMessage();
    }
    return e.getMessage();
  }
}
