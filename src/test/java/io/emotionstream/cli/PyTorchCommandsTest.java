package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.model.Checkpoint;
import io.emotionstream.model.CheckpointFile;
import io.emotionstream.model.PyTorchStateDict;
import io.emotionstream.testing.CommandRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** import-pytorch and export: a state_dict file from the Python project in, and back out for it. */
class PyTorchCommandsTest {
  @TempDir Path dir;

  private static Path resource(String name) throws Exception {
    return Path.of(PyTorchCommandsTest.class.getResource("/reference/" + name).toURI());
  }

  @Test
  void importsTheFileTorchSavedAndExportsTheCheckpointBackAsTheSameStateDict() throws Exception {
    Path checkpoint = dir.resolve("m.ckpt");
    Path exported = dir.resolve("back.pth");

    CommandRun imported =
        CommandRun.of(
            "import-pytorch",
            "--state-dict",
            resource("state_dict.pth").toString(),
            "--out",
            checkpoint.toString());
    CommandRun export =
        CommandRun.of(
            "export",
            "--model",
            checkpoint.toString(),
            "--format",
            "pytorch",
            "--out",
            exported.toString());

    assertEquals(0, imported.exitCode(), imported.err());
    assertEquals(
        "imported 24 tensors from " + resource("state_dict.pth") + " into " + checkpoint,
        imported.out().strip());
    assertEquals(0, export.exitCode(), export.err());
    Checkpoint written = CheckpointFile.read(checkpoint);
    Checkpoint readBack = PyTorchStateDict.read(exported);
    written
        .weights()
        .tensors()
        .forEach(
            (name, tensor) ->
                assertArrayEquals(tensor.values(), readBack.weights().get(name).values(), name));
  }

  @Test
  void aFileThatIsNotAStateDictIsOneErrorLineAndWritesNothing() throws Exception {
    Path out = dir.resolve("m.ckpt");

    CommandRun run =
        CommandRun.of(
            "import-pytorch",
            "--state-dict",
            resource("model.pt").toString(),
            "--out",
            out.toString());

    assertEquals(1, run.exitCode());
    assertTrue(
        run.err().startsWith("error: " + resource("model.pt") + " is a TorchScript module"),
        run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(Files.notExists(out));
  }

  @Test
  void anUnknownExportFormatIsRefusedBeforeAnythingIsRead() throws Exception {
    Path model = Files.writeString(dir.resolve("m.ckpt"), "not read");

    CommandRun run =
        CommandRun.of(
            "export",
            "--model",
            model.toString(),
            "--format",
            "onnx",
            "--out",
            dir.resolve("m.onnx").toString());

    assertEquals(2, run.exitCode());
    assertEquals("error: --format: 'onnx' is not an export format: use pytorch", run.err().strip());
  }
}
