package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.model.pytorch.PyTorchFileException;
import io.emotionstream.testing.IntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * .pth files both ways against real PyTorch, through scripts/reference/pytorch_files.py and
 * Debian's python3-torch (which .ci/run installs): a model trained here loads strictly into the
 * reference Deep_Emotion and gives our logits there; state_dicts torch.save wrote import here and
 * give PyTorch's logits. Skipped where /usr/bin/python3 cannot import torch.
 */
@IntegrationTest
class PyTorchFilesWithTorchTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path SCRIPT = Path.of("scripts/reference/pytorch_files.py");
  private static final float LOGIT_TOLERANCE = 1e-5f;
  private static final long PYTHON_TIMEOUT_SECONDS = 300;

  @TempDir Path dir;

  @BeforeAll
  static void needsTorch() throws InterruptedException {
    assumeTrue(
        torchImports(),
        "/usr/bin/python3 cannot import torch (Debian: apt-get install python3-torch): "
            + "the round trips through real PyTorch are skipped");
  }

  @Test
  void aModelFromHereLoadsStrictlyIntoTheReferenceAndGivesOurLogits() throws Exception {
    ModelWeights ours = perturbed(ModelWeights.readNpz(ReferenceFixture.path("state_dict.npz")));
    Path file = dir.resolve("ours.pth");
    PyTorchStateDict.write(ours, file);

    JsonNode loaded =
        python("load", file.toString(), ReferenceFixture.path("forward.npz").toString());

    assertEquals(loaded.get("referenceKeys"), loaded.get("keys"), "the keys in PyTorch's order");
    JsonNode counter = loaded.get("counters").get("norm.num_batches_tracked");
    assertEquals("torch.int64", counter.get("dtype").asText());
    assertEquals(0, counter.get("shape").size(), "a 0-dimensional tensor, as PyTorch's own");
    float diff =
        ReferenceFixture.maxAbsDiff(
            ReferenceFixture.logitsOnForwardFaces(ours), floats(loaded.get("logits")));
    System.out.printf("exported: PyTorch's logits differ from ours by %.2e%n", diff);
    assertTrue(diff <= LOGIT_TOLERANCE, "PyTorch's logits differ from ours by " + diff);
  }

  @Test
  void stateDictsTorchSavedImportAndGiveTorchsLogits() throws Exception {
    JsonNode saved =
        python("save", dir.toString(), ReferenceFixture.path("forward.npz").toString());
    float[] torchLogits = floats(saved.get("logits"));

    for (String name : List.of("plain", "data_parallel", "checkpoint", "float64")) {
      Checkpoint imported = PyTorchStateDict.read(dir.resolve(name + ".pth"));
      float diff =
          ReferenceFixture.maxAbsDiff(
              ReferenceFixture.logitsOnForwardFaces(imported.weights()), torchLogits);
      System.out.printf("%s.pth imported: logits differ from PyTorch's by %.2e%n", name, diff);
      assertTrue(
          diff <= LOGIT_TOLERANCE,
          name + ".pth: logits differ from PyTorch " + saved.get("torch") + " by " + diff);
    }
    PyTorchFileException legacy =
        assertThrows(
            PyTorchFileException.class, () -> PyTorchStateDict.read(dir.resolve("legacy.pth")));
    assertTrue(legacy.getMessage().contains("legacy format of torch.save"), legacy.getMessage());
  }

  /**
   * The weights moved off the fixture's (a transform that is not the identity, BatchNorm statistics
   * of their own), as weights trained here would be.
   */
  private static ModelWeights perturbed(ModelWeights weights) {
    SplittableRandom random = new SplittableRandom(15);
    Map<String, ModelWeights.Tensor> moved = new LinkedHashMap<>();
    weights
        .tensors()
        .forEach(
            (name, tensor) -> {
              float[] values = tensor.values().clone();
              for (int i = 0; i < values.length; i++) {
                values[i] =
                    name.endsWith("running_var")
                        ? 0.5f + (float) random.nextDouble()
                        : values[i] + (float) (0.05 * (random.nextDouble() * 2 - 1));
              }
              moved.put(name, new ModelWeights.Tensor(tensor.shape(), values));
            });
    return new ModelWeights(moved);
  }

  private JsonNode python(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString()));
    command.addAll(List.of(args));
    Path out = dir.resolve("python.out");
    Path err = dir.resolve("python.err");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(PYTHON_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " still running after " + PYTHON_TIMEOUT_SECONDS + " s");
    }
    assertEquals(0, process.exitValue(), command + " failed: " + Files.readString(err));
    return new ObjectMapper().readTree(out.toFile());
  }

  private static float[] floats(JsonNode rows) {
    List<Float> values = new ArrayList<>();
    rows.forEach(row -> row.forEach(value -> values.add((float) value.asDouble())));
    float[] array = new float[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = values.get(i);
    }
    return array;
  }

  private static boolean torchImports() throws InterruptedException {
    try {
      Process process =
          new ProcessBuilder(PYTHON.toString(), "-c", "import torch")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(PYTHON_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
