package io.emotionstream.cli;

import io.emotionstream.data.DatasetReport;
import io.emotionstream.data.RejectedRow;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * What the dataset commands share: a failure becomes one clear line on stderr and exit code 1,
 * instead of a stack trace.
 */
abstract class DatasetSubcommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Does the work; returns the exit code. */
  abstract int execute() throws Exception;

  @Override
  public final Integer call() {
    try {
      return execute();
    } catch (Exception e) {
      err()
          .println(
              "emotion "
                  + spec.qualifiedName().replaceFirst("^\\S+\\s+", "")
                  + ": "
                  + FileErrors.describe(e));
      return 1;
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints what was written and, on stderr, the rejected rows with their line numbers. */
  void printReport(String source, DatasetReport report) {
    report.written().forEach((usage, count) -> out().printf("%-10s %,d rows%n", usage, count));
    for (var path : report.outputs()) {
      out().println("wrote " + path);
    }
    if (report.rejected() > 0) {
      for (RejectedRow row : report.firstRejections()) {
        err().println(source + ":" + row.lineNumber() + ": " + row.reason());
      }
      err()
          .printf(
              "%,d rows rejected%s; all of them with their lines are in %s%n",
              report.rejected(),
              report.rejected() > report.firstRejections().size() ? " (first ones above)" : "",
              report.rejectedFile());
    }
    out().flush();
    err().flush();
  }
}
