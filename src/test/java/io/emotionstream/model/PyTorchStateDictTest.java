package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.emotionstream.model.pytorch.PyTorchFile;
import io.emotionstream.model.pytorch.TorchDtype;
import io.emotionstream.model.pytorch.TorchStorage;
import io.emotionstream.model.pytorch.TorchTensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PyTorchStateDictTest {
  private static final float LOGIT_TOLERANCE = 1e-5f;

  @TempDir Path dir;

  @Test
  void importsTheStateDictTorchSavedWithTheReferenceWeightsAndLogits() throws IOException {
    Checkpoint imported = PyTorchStateDict.read(ReferenceFixture.path("state_dict.pth"));

    ModelWeights reference = ModelWeights.readNpz(ReferenceFixture.path("state_dict.npz"));
    assertEquals(
        List.copyOf(reference.tensors().keySet()),
        List.copyOf(imported.weights().tensors().keySet()));
    reference
        .tensors()
        .forEach(
            (name, tensor) -> {
              assertArrayEquals(tensor.shape(), imported.weights().get(name).shape(), name);
              assertArrayEquals(tensor.values(), imported.weights().get(name).values(), name);
            });
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      float diff =
          ReferenceFixture.maxAbsDiff(
              ReferenceFixture.logitsOnForwardFaces(imported.weights()),
              ReferenceFixture.load(manager, "forward.npz").get("logits").toFloatArray());
      assertTrue(diff <= LOGIT_TOLERANCE, "logits differ by " + diff);
    }
    assertEquals(0, imported.epoch());
    assertEquals(Hyperparameters.DEFAULTS, imported.hyperparameters());
  }

  @Test
  void readsBackWhatItWritesBitForBit() throws IOException {
    ModelWeights weights;
    try (EmotionModel model = EmotionModel.initialised(0.5f, 11, Device.cpu())) {
      weights = model.weights();
    }
    Path file = dir.resolve("model.pth");

    PyTorchStateDict.write(weights, file);
    ModelWeights read = PyTorchStateDict.read(file).weights();

    assertEquals(weights.tensors().keySet(), read.tensors().keySet());
    weights
        .tensors()
        .forEach(
            (name, tensor) -> assertArrayEquals(tensor.values(), read.get(name).values(), name));
  }

  @Test
  void writesEveryKeyOfTheReferenceInTorchsOrderWithTheBatchCounterAsAnInt64Scalar()
      throws IOException {
    Path file = dir.resolve("model.pth");
    PyTorchStateDict.write(referenceWeights(), file);

    // np.savez kept the keys in the order of the state_dict PyTorch gave the reference script
    List<String> torchOrder;
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      torchOrder = List.copyOf(ReferenceFixture.load(manager, "state_dict.npz").all().keySet());
    }
    assertEquals(torchOrder, keysInPickleOrder(file, torchOrder));
    TorchTensor counter = PyTorchFile.read(file).tensors().get("norm.num_batches_tracked");
    assertEquals(TorchDtype.INT64, counter.dtype());
    assertArrayEquals(new long[0], counter.shape());
    assertArrayEquals(new float[] {0}, counter.toFloats());
  }

  @Test
  void importsTheStateDictOfADataParallelModel() throws IOException {
    Map<String, TorchTensor> prefixed = new LinkedHashMap<>();
    exported().forEach((key, tensor) -> prefixed.put("module." + key, tensor));

    ModelWeights read = PyTorchStateDict.read(write(prefixed)).weights();

    assertArrayEquals(referenceWeights().get("fc2.bias").values(), read.get("fc2.bias").values());
  }

  @Test
  void theNpzStateDictWithItsBatchCounterImportsWithoutIt() throws IOException {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      assertTrue(
          ReferenceFixture.load(manager, "state_dict.npz")
              .all()
              .containsKey("norm.num_batches_tracked"),
          "the fixture holds the whole state_dict, as a user's file does");
    }

    ModelWeights weights = ModelWeights.readNpz(ReferenceFixture.path("state_dict.npz"));

    assertEquals(24, weights.tensors().size());
    assertFalse(weights.tensors().containsKey("norm.num_batches_tracked"));
  }

  @Test
  void namesTheFileAndTheKeyOfAMissingMisshapenForeignOrUnreadableTensor() throws IOException {
    assertRefused(
        stateDict -> stateDict.remove("fc2.bias"),
        ": no fc2.bias, which a state_dict of the reference Deep_Emotion holds");
    assertRefused(
        stateDict -> stateDict.put("conv1.weight", TorchTensor.of(new float[250], 10, 1, 5, 5)),
        ": conv1.weight has shape [10, 1, 5, 5], Deep_Emotion's is [10, 1, 3, 3]");
    assertRefused(
        stateDict -> stateDict.put("classifier.weight", TorchTensor.of(new float[] {1}, 1)),
        ": classifier.weight not in the reference Deep_Emotion (a state_dict of another model?)");
    assertRefused(
        stateDict ->
            stateDict.put("norm.num_batches_tracked", TorchTensor.of(new long[] {1, 2}, 2)),
        ": norm.num_batches_tracked has shape [2], not one count");
    TorchStorage halves =
        new TorchStorage(
            TorchDtype.FLOAT16, ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN));
    assertRefused(
        stateDict ->
            stateDict.put("fc2.bias", new TorchTensor(halves, 0, new long[] {10}, new long[] {1})),
        ": fc2.bias: its dtype float16 (torch.HalfStorage) is not read: only float32, float64 and int64 are; "
            + "convert the model with .float() before saving");
  }

  private void assertRefused(Consumer<Map<String, TorchTensor>> change, String message)
      throws IOException {
    Map<String, TorchTensor> stateDict = exported();
    change.accept(stateDict);
    Path file = write(stateDict);

    CheckpointException e =
        assertThrows(CheckpointException.class, () -> PyTorchStateDict.read(file));

    assertEquals(file + message, e.getMessage());
  }

  private static ModelWeights referenceWeights() throws IOException {
    return ModelWeights.readNpz(ReferenceFixture.path("state_dict.npz"));
  }

  /** The reference's weights as {@link PyTorchStateDict#write} lays them out, to change. */
  private Map<String, TorchTensor> exported() throws IOException {
    Path file = dir.resolve("reference.pth");
    PyTorchStateDict.write(referenceWeights(), file);
    return new LinkedHashMap<>(PyTorchFile.read(file).tensors());
  }

  private Path write(Map<String, TorchTensor> stateDict) throws IOException {
    Path file = Files.createTempFile(dir, "state_dict", ".pth");
    try (OutputStream out = Files.newOutputStream(file)) {
      PyTorchFile.write(stateDict, ByteOrder.LITTLE_ENDIAN, out);
    }
    return file;
  }

  /**
   * {@code keys} in the order their strings appear in the file's data.pkl, which is the
   * state_dict's order.
   */
  private static List<String> keysInPickleOrder(Path file, List<String> keys) throws IOException {
    String pickle;
    try (ZipFile zip = new ZipFile(file.toFile())) {
      pickle =
          new String(
              zip.getInputStream(zip.getEntry("archive/data.pkl")).readAllBytes(),
              StandardCharsets.ISO_8859_1);
    }
    List<String> found = new ArrayList<>(keys);
    // A key is pickled as BINUNICODE: 'X', its length as 4 bytes little-endian, its bytes.
    found.sort(
        (a, b) -> Integer.compare(pickle.indexOf(binUnicode(a)), pickle.indexOf(binUnicode(b))));
    found.forEach(key -> assertTrue(pickle.contains(binUnicode(key)), key + " is not in data.pkl"));
    return found;
  }

  private static String binUnicode(String key) {
    int length = key.length();
    return "X" + (char) (length & 0xff) + (char) ((length >> 8) & 0xff) + "\0\0" + key;
  }
}
