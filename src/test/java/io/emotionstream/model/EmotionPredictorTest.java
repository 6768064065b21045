package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.emotionstream.data.FaceSet;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmotionPredictorTest {

  @Test
  void importedReferenceGivesTheReferenceProbabilitiesInAnyBatching(@TempDir Path dir)
      throws IOException {
    Checkpoint imported =
        TorchScriptImport.importWeights(
            ReferenceFixture.path("model.pt"), ReferenceFixture.path("state_dict.npz"));
    Path file = dir.resolve("imported.ckpt");
    CheckpointFile.write(imported, file);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      ReferenceFixture fixture = ReferenceFixture.load(manager, "forward.npz");
      byte[] all = ReferenceFixture.pixelBytes(fixture.get("pixels"));
      byte[][] faces = new byte[all.length / FaceSet.PIXELS][];
      for (int i = 0; i < faces.length; i++) {
        faces[i] = java.util.Arrays.copyOfRange(all, i * FaceSet.PIXELS, (i + 1) * FaceSet.PIXELS);
      }
      float[] expected = fixture.get("logits").softmax(1).toFloatArray();
      try (EmotionPredictor whole = EmotionPredictor.load(file);
          EmotionPredictor inThrees = EmotionPredictor.of(imported.weights(), Device.cpu(), 3);
          EmotionPredictor oneByOne = EmotionPredictor.of(imported.weights(), Device.cpu(), 1)) {
        for (EmotionPredictor predictor : new EmotionPredictor[] {whole, inThrees, oneByOne}) {
          float[][] probabilities = predictor.predict(faces);
          assertEquals(faces.length, probabilities.length);
          for (int i = 0; i < faces.length; i++) {
            for (int k = 0; k < 7; k++) {
              assertEquals(
                  expected[i * 7 + k], probabilities[i][k], 1e-5, "face " + i + " class " + k);
            }
          }
        }
      }
    }
  }

  @Test
  void refusesATorchScriptWithoutItsStateDict() {
    CheckpointException e =
        assertThrows(
            CheckpointException.class,
            () -> TorchScriptImport.importWeights(ReferenceFixture.path("model.pt"), null));
    assertTrue(e.getMessage().contains("running mean"), e.getMessage());
  }

  @Test
  void rejectsAFaceOfTheWrongSize() throws IOException {
    ModelWeights weights = ModelWeights.readNpz(ReferenceFixture.path("state_dict.npz"));
    try (EmotionPredictor predictor = EmotionPredictor.of(weights, Device.cpu(), 8)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> predictor.predict(new byte[][] {new byte[100]}));
      assertTrue(e.getMessage().contains("100 pixels"), e.getMessage());
    }
  }
}
