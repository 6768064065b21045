package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.model.Checkpoint;
import io.emotionstream.model.CheckpointFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportTorchscriptCommandTest {
  private static Path resource(String name) throws Exception {
    return Path.of(ImportTorchscriptCommandTest.class.getResource("/reference/" + name).toURI());
  }

  @Test
  void writesACheckpointFromTheReferenceFiles(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("imported.ckpt");
    int exit =
        EmotionCli.commandLine()
            .execute(
                "import-torchscript",
                "--model",
                resource("model.pt").toString(),
                "--state-dict",
                resource("state_dict.npz").toString(),
                "--out",
                out.toString());

    assertEquals(0, exit);
    Checkpoint checkpoint = CheckpointFile.read(out);
    assertEquals(24, checkpoint.weights().tensors().size());
  }

  @Test
  void failsWithOneClearLineWithoutTheStateDict(@TempDir Path dir) throws Exception {
    StringWriter err = new StringWriter();
    var cli = EmotionCli.commandLine();
    cli.setErr(new PrintWriter(err));
    int exit =
        cli.execute(
            "import-torchscript",
            "--model",
            resource("model.pt").toString(),
            "--out",
            dir.resolve("x.ckpt").toString());

    assertEquals(1, exit);
    assertTrue(
        err.toString().startsWith("error: ") && err.toString().contains("--state-dict"),
        err.toString());
    assertTrue(Files.notExists(dir.resolve("x.ckpt")));
  }

  @Test
  void refusesAnUnknownOptimizerBeforeReadingAnything(@TempDir Path dir) throws Exception {
    StringWriter err = new StringWriter();
    var cli = EmotionCli.commandLine();
    cli.setErr(new PrintWriter(err));
    Path csv = Files.writeString(dir.resolve("faces.csv"), "not read");
    int exit =
        cli.execute(
            "train", "--csv", csv.toString(), "--optimizer", "adagrad", "--out", dir.toString());

    assertEquals(2, exit);
    assertTrue(err.toString().contains("unknown optimizer 'adagrad'"), err.toString());
  }
}
