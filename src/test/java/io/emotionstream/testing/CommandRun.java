package io.emotionstream.testing;

import io.emotionstream.cli.EmotionCli;
import io.emotionstream.kafka.ConnectionSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * One {@code emotion} command run in this JVM as a user would type it, with what it printed and its
 * exit code.
 */
public record CommandRun(int exitCode, String out, String err) {

  /** Runs the command against the cluster and topics of {@code settings}. */
  public static CommandRun against(ConnectionSettings settings, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers",
            settings.bootstrapServers(),
            "--registry-url",
            settings.registryUrl(),
            "--topic-prefix",
            settings.topics().prefix()));
    return of(all.toArray(String[]::new));
  }

  public static CommandRun of(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      CommandLine command = EmotionCli.commandLine();
      command.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
      int code = command.execute(args);
      return new CommandRun(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }
}
