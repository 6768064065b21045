package io.emotionstream.model.pytorch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.model.pytorch.HandMadeArchives.PythonCall;
import io.emotionstream.model.pytorch.HandMadeArchives.StackGlobalCall;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PyTorchFileTest {
  @TempDir Path dir;

  @Test
  void readsBackEveryTensorItWritesWithItsKeyDtypeShapeAndValues() throws IOException {
    Map<String, TorchTensor> written = new LinkedHashMap<>();
    written.put(
        "conv.weight",
        TorchTensor.of(new float[] {1.5f, -2f, 3e-8f, Float.MAX_VALUE, 0f, -0f}, 2, 3));
    written.put("norm.num_batches_tracked", TorchTensor.of(new long[] {7}));

    StateDict read = PyTorchFile.read(write(written, ByteOrder.LITTLE_ENDIAN));

    assertEquals(written.keySet(), read.tensors().keySet());
    TorchTensor weight = read.tensors().get("conv.weight");
    assertEquals(TorchDtype.FLOAT32, weight.dtype());
    assertArrayEquals(new long[] {2, 3}, weight.shape());
    assertArrayEquals(written.get("conv.weight").toFloats(), weight.toFloats());
    TorchTensor counter = read.tensors().get("norm.num_batches_tracked");
    assertEquals(TorchDtype.INT64, counter.dtype());
    assertArrayEquals(new long[0], counter.shape());
    assertArrayEquals(new float[] {7f}, counter.toFloats());
  }

  @Test
  void writesEachStorageOnceUncompressedWithItsDataAlignedTo64Bytes() throws IOException {
    TorchStorage shared = TorchStorage.of(new float[] {1, 2, 3, 4, 5, 6});
    Map<String, TorchTensor> written = new LinkedHashMap<>();
    written.put("whole", new TorchTensor(shared, 0, new long[] {6}, new long[] {1}));
    written.put("tail", new TorchTensor(shared, 4, new long[] {2}, new long[] {1}));
    written.put("other", TorchTensor.of(new float[] {9}, 1));
    Path file = write(written, ByteOrder.LITTLE_ENDIAN);

    try (ZipFile zip = new ZipFile(file.toFile())) {
      List<String> names = Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
      assertEquals(
          List.of(
              "archive/data.pkl",
              "archive/byteorder",
              "archive/data/0",
              "archive/data/1",
              "archive/version"),
          names);
    }
    assertEquals(5, storedAndAlignedRecords(Files.readAllBytes(file)));
    StateDict read = PyTorchFile.read(file);
    assertArrayEquals(new float[] {5, 6}, read.tensors().get("tail").toFloats());
    assertTrue(
        read.tensors().get("whole").storage() == read.tensors().get("tail").storage(),
        "one storage");
  }

  @Test
  void readsBigEndianFilesOfFloat64AndInt64Tensors() throws IOException {
    ByteBuffer doubles = ByteBuffer.allocate(3 * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    doubles.asDoubleBuffer().put(new double[] {0.1, -1e300, 2.5});
    Map<String, TorchTensor> written = new LinkedHashMap<>();
    written.put(
        "f64",
        new TorchTensor(
            new TorchStorage(TorchDtype.FLOAT64, doubles), 0, new long[] {3}, new long[] {1}));
    written.put("i64", TorchTensor.of(new long[] {-3, 1L << 40}, 2));
    written.put("f32", TorchTensor.of(new float[] {0.25f}, 1, 1));
    Path file = write(written, ByteOrder.BIG_ENDIAN);

    try (ZipFile zip = new ZipFile(file.toFile())) {
      assertEquals(
          "big",
          new String(
              zip.getInputStream(zip.getEntry("archive/byteorder")).readAllBytes(),
              StandardCharsets.US_ASCII));
      byte[] f32 = zip.getInputStream(zip.getEntry("archive/data/2")).readAllBytes();
      assertArrayEquals(
          new byte[] {0x3e, (byte) 0x80, 0, 0}, f32, "0.25f, most significant byte first");
    }
    StateDict read = PyTorchFile.read(file);
    assertArrayEquals(
        new float[] {0.1f, Float.NEGATIVE_INFINITY, 2.5f}, read.tensors().get("f64").toFloats());
    assertArrayEquals(new float[] {-3f, 1L << 40}, read.tensors().get("i64").toFloats());
    assertArrayEquals(new float[] {0.25f}, read.tensors().get("f32").toFloats());
  }

  @Test
  void readsAnArchiveWithoutAByteorderRecordAsLittleEndian() throws IOException {
    TorchStorage storage = TorchStorage.of(new float[] {1.5f, 2.5f});
    Map<String, Object> stateDict = new LinkedHashMap<>();
    stateDict.put("w", new TorchTensor(storage, 0, new long[] {2}, new long[] {1}));
    Map<String, byte[]> records = new LinkedHashMap<>();
    records.put("data.pkl", HandMadeArchives.pickle(stateDict, storage));
    records.put("data/0", storage.bytes(ByteOrder.LITTLE_ENDIAN));

    StateDict read =
        PyTorchFile.read(HandMadeArchives.withRecords(dir.resolve("old.pth"), records));

    assertArrayEquals(new float[] {1.5f, 2.5f}, read.tensors().get("w").toFloats());
  }

  @Test
  void readsAViewAtItsOffsetAndStridesAsPyTorchIndexesIt() throws IOException {
    float[] elements = new float[12];
    for (int i = 0; i < elements.length; i++) {
      elements[i] = i;
    }
    TorchStorage storage = TorchStorage.of(elements);
    Map<String, TorchTensor> written = new LinkedHashMap<>();
    // torch.arange(12.)[1:].as_strided((3, 2), (1, 3)): element [i][j] is storage[1 + i + 3j]
    written.put("transposed", new TorchTensor(storage, 1, new long[] {3, 2}, new long[] {1, 3}));
    written.put("scalar", new TorchTensor(storage, 5, new long[0], new long[0]));
    written.put("empty", new TorchTensor(storage, 0, new long[] {0, 4}, new long[] {4, 1}));

    StateDict read = PyTorchFile.read(write(written, ByteOrder.LITTLE_ENDIAN));

    assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, read.tensors().get("transposed").toFloats());
    assertArrayEquals(new float[] {5}, read.tensors().get("scalar").toFloats());
    assertArrayEquals(new float[0], read.tensors().get("empty").toFloats());
  }

  @Test
  void refusesAViewReachingPastItsStorage() {
    TorchStorage storage = TorchStorage.of(new float[6]);

    PyTorchFileException e =
        assertThrows(
            PyTorchFileException.class,
            () -> new TorchTensor(storage, 3, new long[] {2, 2}, new long[] {2, 1}).toFloats());

    assertEquals(
        "its size [2, 2], stride [2, 1] and offset 3 reach past its storage of 6 elements",
        e.getMessage());
  }

  @Test
  void refusesToDecodeADtypeItDoesNotReadNamingIt() throws IOException {
    TorchStorage halves =
        new TorchStorage(TorchDtype.FLOAT16, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN));
    StateDict read =
        PyTorchFile.read(
            write(
                Map.of("w", new TorchTensor(halves, 0, new long[] {2}, new long[] {1})),
                ByteOrder.LITTLE_ENDIAN));

    PyTorchFileException e =
        assertThrows(PyTorchFileException.class, () -> read.tensors().get("w").toFloats());

    assertTrue(
        e.getMessage().startsWith("its dtype float16 (torch.HalfStorage) is not read"),
        e.getMessage());
  }

  @Test
  void findsTheStateDictInATrainingCheckpointDict() throws IOException {
    TorchStorage storage = TorchStorage.of(new float[] {4f});
    Map<String, Object> stateDict = new LinkedHashMap<>();
    stateDict.put("fc.bias", new TorchTensor(storage, 0, new long[] {1}, new long[] {1}));
    Map<String, Object> optimizer = new HashMap<>();
    optimizer.put("state", new HashMap<>());
    optimizer.put(
        "param_groups",
        List.of(Map.of("lr", 0.005, "betas", new Object[] {0.9, 0.999}, "foreach", false)));
    Map<String, Object> checkpoint = new HashMap<>();
    checkpoint.put("epoch", 3);
    checkpoint.put("model_state_dict", stateDict);
    checkpoint.put("optimizer_state_dict", optimizer);
    checkpoint.put("loss", 0.25);
    Path file = HandMadeArchives.pickled(dir.resolve("checkpoint.pth"), checkpoint, storage);

    StateDict read = PyTorchFile.read(file);

    assertEquals(file + "['model_state_dict']", read.where());
    assertArrayEquals(new float[] {4f}, read.tensors().get("fc.bias").toFloats());
  }

  @Test
  void namesTheKeysOfACheckpointDictThatHoldsNoStateDict() throws IOException {
    Map<String, Object> checkpoint = new HashMap<>();
    checkpoint.put("epoch", 3);
    checkpoint.put("weights", List.of(1.0, 2.0));
    Path file = HandMadeArchives.pickled(dir.resolve("checkpoint.pth"), checkpoint);

    PyTorchFileException e = assertThrows(PyTorchFileException.class, () -> PyTorchFile.read(file));

    assertEquals(
        file
            + " holds a dict with keys [epoch, weights] and no state_dict: neither tensors by name nor "
            + "a dict of them under any of [state_dict, model_state_dict, model_state, model, net, network]",
        e.getMessage());
  }

  @Test
  void refusesEveryPythonGlobalButThoseOfTensorsNamingIt() throws IOException {
    Map<String, Object> calls = new LinkedHashMap<>();
    calls.put("os.system", new PythonCall("os", "system", "touch " + dir.resolve("pwned")));
    calls.put(
        "builtins.eval", new StackGlobalCall("builtins", "eval", "__import__('os').getpid()"));
    // razorvine's own table would build these; the reader must not consult it
    calls.put("datetime.datetime", new PythonCall("datetime", "datetime", 2020, 1, 1));
    calls.put("__main__.Deep_Emotion", new PythonCall("__main__", "Deep_Emotion"));
    for (Map.Entry<String, Object> call : calls.entrySet()) {
      Map<String, Object> stateDict = new LinkedHashMap<>();
      stateDict.put("conv1.weight", call.getValue());
      Path file =
          HandMadeArchives.withRecords(
              dir.resolve("evil.pth"), Map.of("data.pkl", HandMadeArchives.withCalls(stateDict)));

      PyTorchFileException e =
          assertThrows(PyTorchFileException.class, () -> PyTorchFile.read(file));

      assertTrue(
          e.getMessage()
              .startsWith(
                  file
                      + ": data.pkl asks for the Python global "
                      + call.getKey()
                      + ", which is refused"),
          e.getMessage());
    }
  }

  @Test
  void refusesTheLegacyFormatSayingHowToSaveItAgain() throws IOException {
    // What torch.save(..., _use_new_zipfile_serialization=False) starts with: PROTO 2, then its
    // magic number
    Path file =
        Files.write(
            dir.resolve("legacy.pth"),
            new byte[] {
              (byte) 0x80, 2, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9
            });

    PyTorchFileException e = assertThrows(PyTorchFileException.class, () -> PyTorchFile.read(file));

    assertTrue(
        e.getMessage().contains("legacy format of torch.save before PyTorch 1.6"), e.getMessage());
    assertTrue(
        e.getMessage().endsWith("torch.save(torch.load('old.pth'), 'new.pth')"), e.getMessage());
  }

  @Test
  void tellsATorchScriptModuleFromAStateDict() throws Exception {
    Path torchScript = Path.of(PyTorchFileTest.class.getResource("/reference/model.pt").toURI());

    PyTorchFileException e =
        assertThrows(PyTorchFileException.class, () -> PyTorchFile.read(torchScript));

    assertTrue(
        e.getMessage().contains("is a TorchScript module (torch.jit.save), not a state_dict"),
        e.getMessage());
  }

  @Test
  void refusesFilesThatAreNoneOfTorchsNamingWhatTheyAre() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.pth"), "conv1.weight = 0.5\n");
    assertEquals(
        text + " is not a file torch.save wrote (neither a zip archive nor a pickle)",
        assertThrows(PyTorchFileException.class, () -> PyTorchFile.read(text)).getMessage());

    Path noPickle =
        HandMadeArchives.withRecords(
            dir.resolve("other.zip"), Map.of("readme.txt", new byte[] {'h'}));
    assertEquals(
        noPickle + " is a zip archive without a data.pkl: not a file torch.save wrote",
        assertThrows(PyTorchFileException.class, () -> PyTorchFile.read(noPickle)).getMessage());

    Path garbage =
        HandMadeArchives.withRecords(
            dir.resolve("garbage.pth"),
            Map.of("data.pkl", "garbage".getBytes(StandardCharsets.US_ASCII)));
    assertTrue(
        assertThrows(PyTorchFileException.class, () -> PyTorchFile.read(garbage))
            .getMessage()
            .startsWith(
                garbage + ": its data.pkl is not a pickle of tensors this reader understands: "));

    Path list = HandMadeArchives.pickled(dir.resolve("list.pth"), List.of(1, 2));
    assertEquals(
        list + " holds a list, not a state_dict (a dict of tensors)",
        assertThrows(PyTorchFileException.class, () -> PyTorchFile.read(list)).getMessage());
  }

  @Test
  void refusesAStorageRecordShorterThanItsTensorsOrMissing() throws IOException {
    TorchStorage storage = TorchStorage.of(new float[] {1, 2, 3});
    Map<String, Object> stateDict =
        Map.of("w", new TorchTensor(storage, 0, new long[] {3}, new long[] {1}));
    byte[] pickle = HandMadeArchives.pickle(stateDict, storage);

    Path shortRecord =
        HandMadeArchives.withRecords(
            dir.resolve("short.pth"), Map.of("data.pkl", pickle, "data/0", new byte[8]));
    assertEquals(
        shortRecord
            + ": archive/data/0 holds 8 bytes, fewer than the 3 float32 elements its data.pkl "
            + "gives it",
        assertThrows(PyTorchFileException.class, () -> PyTorchFile.read(shortRecord)).getMessage());

    Path missing =
        HandMadeArchives.withRecords(dir.resolve("missing.pth"), Map.of("data.pkl", pickle));
    assertEquals(
        missing + " lacks archive/data/0, the storage of a tensor its data.pkl names",
        assertThrows(PyTorchFileException.class, () -> PyTorchFile.read(missing)).getMessage());
  }

  private Path write(Map<String, TorchTensor> stateDict, ByteOrder order) throws IOException {
    Path file = dir.resolve("written.pth");
    try (OutputStream out = Files.newOutputStream(file)) {
      PyTorchFile.write(stateDict, order, out);
    }
    return file;
  }

  /**
   * Walks the local headers from the start: each record stored (method 0), its data at a multiple
   * of 64.
   */
  private static int storedAndAlignedRecords(byte[] zip) {
    ByteBuffer bytes = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    int position = 0;
    int records = 0;
    while (bytes.getInt(position) == 0x04034b50) {
      int nameLength = Short.toUnsignedInt(bytes.getShort(position + 26));
      int extraLength = Short.toUnsignedInt(bytes.getShort(position + 28));
      int dataStart = position + 30 + nameLength + extraLength;
      assertEquals(0, bytes.getShort(position + 8), "compression method of record " + records);
      assertEquals(0, dataStart % 64, "data offset of record " + records);
      position = dataStart + bytes.getInt(position + 18);
      records++;
    }
    return records;
  }
}
