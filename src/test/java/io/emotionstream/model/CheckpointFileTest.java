package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {

  @Test
  void aCheckpointReadBackServesTheReferenceNetworkExactly(@TempDir Path dir) throws Exception {
    ModelWeights reference = ModelWeights.readNpz(ReferenceFixture.path("state_dict.npz"));
    Checkpoint written = Checkpoint.of(7, Map.of("optimizer", "adam", "learningRate", "0.005"),
        Map.of("validationAccuracy", 0.61), reference);
    Path file = dir.resolve("best.ckpt");
    CheckpointFile.write(written, file);

    Checkpoint read = CheckpointFile.read(file);
    assertEquals(7, read.epoch());
    assertEquals("adam", read.hyperparameters().get("optimizer"));
    assertEquals(0.61, read.metrics().get("validationAccuracy"));
    assertEquals(reference.tensors().keySet(), read.weights().tensors().keySet());
    assertTrue(read.weights().tensors().containsKey("norm.running_var"), "BatchNorm buffers travel too");
    assertArrayEquals(reference.get("fc2.weight").values(), read.weights().get("fc2.weight").values());

    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        EmotionPredictor predictor = EmotionPredictor.of(read.weights(), Device.cpu())) {
      ReferenceFixture fixture = ReferenceFixture.load(manager, "forward.npz");
      NDArray pixels = fixture.get("pixels");
      int count = (int) pixels.getShape().get(0);
      byte[] flat = ReferenceFixture.pixelBytes(pixels);
      byte[][] faces = new byte[count][];
      for (int i = 0; i < count; i++) {
        faces[i] = Arrays.copyOfRange(flat, i * 2304, (i + 1) * 2304);
      }
      float[][] probabilities = predictor.probabilities(faces);
      float[] expected = fixture.get("logits").softmax(1).toFloatArray();
      for (int i = 0; i < count; i++) {
        float sum = 0;
        for (int c = 0; c < 7; c++) {
          assertEquals(expected[i * 7 + c], probabilities[i][c], 1e-5, "face " + i + " class " + c);
          sum += probabilities[i][c];
        }
        assertEquals(1f, sum, 1e-5);
      }
    }
  }

  @Test
  void aFlippedByteIsRefusedAsCorrupt() throws Exception {
    byte[] bytes = CheckpointFile.toBytes(smallCheckpoint());
    bytes[bytes.length / 2] ^= 0x01;
    CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.fromBytes(bytes));
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
  }

  @Test
  void aTruncatedFileIsRefused() throws Exception {
    byte[] bytes = CheckpointFile.toBytes(smallCheckpoint());
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> CheckpointFile.fromBytes(Arrays.copyOf(bytes, bytes.length - 100)));
    assertTrue(e.getMessage().contains("corrupt") || e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void aForeignFileIsRefusedByName(@TempDir Path dir) throws IOException {
    Path foreign = dir.resolve("model.pt");
    Files.write(foreign, "PK\u0003\u0004 a zip, say a TorchScript archive".getBytes(StandardCharsets.ISO_8859_1));
    CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(foreign));
    assertTrue(e.getMessage().startsWith(foreign.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not an emotion-stream checkpoint"), e.getMessage());
  }

  @Test
  void anotherArchitectureIsRefused() {
    Checkpoint other = new Checkpoint("resnet", 3, 1, Map.of(), Map.of(), smallCheckpoint().weights());
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> CheckpointFile.fromBytes(CheckpointFile.toBytes(other)));
    assertTrue(e.getMessage().contains("resnet v3"), e.getMessage());
  }

  private static Checkpoint smallCheckpoint() {
    return Checkpoint.of(1, Map.of(), Map.of(),
        new ModelWeights(Map.of("fc2.bias", new ModelWeights.Tensor(new long[] {7}, new float[7]))));
  }
}
