package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
  private static Checkpoint sample() throws IOException {
    ModelWeights weights = ModelWeights.readNpz(ReferenceFixture.path("state_dict.npz"));
    EpochResult result = new EpochResult(3, 50, 1.2, 0.41, 1.3, 0.39, 900, 28_000);
    return Checkpoint.of(weights, Hyperparameters.DEFAULTS.withOptimizer("sgd"), result, null);
  }

  @Test
  void keepsTheOptimizerStateWhenThereIsOne() throws IOException {
    Checkpoint stateless = sample();
    ModelWeights.Tensor momentum =
        new ModelWeights.Tensor(new long[] {2, 3}, new float[] {1, -2, 3.5f, 0, 1e-7f, 9});
    Checkpoint withState =
        new Checkpoint(
            stateless.architecture(),
            stateless.architectureVersion(),
            stateless.hyperparameters(),
            3,
            50,
            1.2,
            0.41,
            1.3,
            0.39,
            stateless.weights(),
            new OptimizerState("sgd", 417, Map.of("fc2.bias#0", momentum)));

    byte[] bytes = CheckpointFile.toBytes(withState);
    Checkpoint read = CheckpointFile.fromBytes(bytes);

    assertEquals("EMOCKPT2", new String(bytes, 0, 8, StandardCharsets.US_ASCII));
    assertEquals("sgd", read.optimizer().optimizer());
    assertEquals(417, read.optimizer().steps());
    assertArrayEquals(momentum.shape(), read.optimizer().slots().get("fc2.bias#0").shape());
    assertArrayEquals(momentum.values(), read.optimizer().slots().get("fc2.bias#0").values());
    assertEquals(stateless.weights().tensors().keySet(), read.weights().tensors().keySet());
    // Without state the format is the earlier one, which earlier builds wrote and still read.
    assertEquals(
        "EMOCKPT1", new String(CheckpointFile.toBytes(stateless), 0, 8, StandardCharsets.US_ASCII));
    assertNull(CheckpointFile.fromBytes(CheckpointFile.toBytes(stateless)).optimizer());
  }

  @Test
  void roundTripsEverythingThroughBytesAndFiles(@TempDir Path dir) throws IOException {
    Checkpoint original = sample();
    Path file = dir.resolve("model.ckpt");
    CheckpointFile.write(original, file);
    Checkpoint read = CheckpointFile.read(file);

    assertEquals(original.hyperparameters(), read.hyperparameters());
    assertEquals(3, read.epoch());
    assertEquals(0.39, read.validationAccuracy());
    assertEquals(original.weights().tensors().keySet(), read.weights().tensors().keySet());
    original
        .weights()
        .tensors()
        .forEach(
            (name, tensor) -> {
              assertArrayEquals(tensor.shape(), read.weights().get(name).shape(), name);
              assertArrayEquals(tensor.values(), read.weights().get(name).values(), name);
            });
    assertTrue(read.weights().tensors().containsKey("norm.running_var"), "BatchNorm buffers kept");
    assertArrayEquals(CheckpointFile.toBytes(original), Files.readAllBytes(file));
  }

  @Test
  void rejectsAFlippedBitWithAChecksumMessage() throws IOException {
    byte[] bytes = CheckpointFile.toBytes(sample());
    bytes[bytes.length / 2] ^= 0x10;
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> CheckpointFile.fromBytes(bytes));
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
  }

  @Test
  void rejectsATruncatedCheckpoint() throws IOException {
    byte[] bytes = CheckpointFile.toBytes(sample());
    CheckpointException e =
        assertThrows(
            CheckpointException.class, () -> CheckpointFile.fromBytes(Arrays.copyOf(bytes, 5000)));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void rejectsAForeignFile() {
    byte[] bytes = "emotion,pixels,Usage\n0,1 2 3,Training\n".getBytes(StandardCharsets.US_ASCII);
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> CheckpointFile.fromBytes(bytes));
    assertTrue(e.getMessage().contains("not an emotion-stream checkpoint"), e.getMessage());
  }
}
