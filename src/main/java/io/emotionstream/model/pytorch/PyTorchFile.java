package io.emotionstream.model.pytorch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * State_dict files as PyTorch 1.6 and later write them with {@code torch.save(net.state_dict(),
 * path)} and read them with {@code torch.load(path)}: a zip archive of a pickled OrderedDict of
 * tensors and one raw record per storage.
 */
public final class PyTorchFile {
  /**
   * Where training scripts commonly keep the state_dict in a checkpoint dict, in the order tried.
   */
  static final List<String> CHECKPOINT_KEYS =
      List.of("state_dict", "model_state_dict", "model_state", "model", "net", "network");

  /**
   * The folder torch.save puts its records in when it writes to a stream, and in later versions
   * always.
   */
  private static final String FOLDER = "archive";

  /** The file format version PyTorch 1.6 to 2.x write and read. */
  private static final String FORMAT_VERSION = "3\n";

  private PyTorchFile() {}

  /**
   * The state_dict in {@code file}: the file's object itself if it is a dict of tensors, else the
   * dict of tensors under one of {@link #CHECKPOINT_KEYS} of the checkpoint dict it holds.
   */
  public static StateDict read(Path file) throws IOException {
    try (TorchArchive archive = TorchArchive.open(file)) {
      return find(unpickle(archive), file);
    }
  }

  private static Object unpickle(TorchArchive archive) throws IOException {
    byte[] pickle = archive.pickle();
    try {
      return new StateDictUnpickler(archive).load(new ByteArrayInputStream(pickle));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (PyTorchFileException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // razorvine reports a malformed stream by whatever exception its opcode meets first
      throw new PyTorchFileException(
          archive.file()
              + ": its data.pkl is not a pickle of tensors this reader "
              + "understands: "
              + e.getMessage(),
          e);
    }
  }

  private static StateDict find(Object saved, Path file) throws PyTorchFileException {
    Optional<Map<String, TorchTensor>> direct = tensorsByName(saved);
    if (direct.isPresent()) {
      return new StateDict(file.toString(), direct.get());
    }
    if (!(saved instanceof Map<?, ?> checkpoint)) {
      throw new PyTorchFileException(
          file
              + " holds "
              + StateDictUnpickler.describe(saved)
              + ", not a state_dict (a dict of tensors)");
    }
    for (String key : CHECKPOINT_KEYS) {
      Optional<Map<String, TorchTensor>> nested = tensorsByName(checkpoint.get(key));
      if (nested.isPresent()) {
        return new StateDict(file + "['" + key + "']", nested.get());
      }
    }
    TreeSet<String> keys = new TreeSet<>();
    checkpoint.keySet().forEach(key -> keys.add(String.valueOf(key)));
    throw new PyTorchFileException(
        file
            + " holds a dict with keys "
            + keys
            + " and no state_dict: neither "
            + "tensors by name nor a dict of them under any of "
            + CHECKPOINT_KEYS);
  }

  private static Optional<Map<String, TorchTensor>> tensorsByName(Object value) {
    if (!(value instanceof Map<?, ?> dict) || dict.isEmpty()) {
      return Optional.empty();
    }
    Map<String, TorchTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : dict.entrySet()) {
      if (!(entry.getKey() instanceof String name)
          || !(entry.getValue() instanceof TorchTensor tensor)) {
        return Optional.empty();
      }
      tensors.put(name, tensor);
    }
    return Optional.of(tensors);
  }

  /**
   * Writes {@code stateDict} as torch.save would, keys in the map's order, each storage's elements
   * in {@code order} (PyTorch's own files are little-endian on every common machine). Closes {@code
   * out}.
   */
  public static void write(Map<String, TorchTensor> stateDict, ByteOrder order, OutputStream out)
      throws IOException {
    Map<TorchStorage, String> keys = new IdentityHashMap<>();
    Map<String, TorchStorage> storages = new LinkedHashMap<>();
    for (TorchTensor tensor : stateDict.values()) {
      keys.computeIfAbsent(
          tensor.storage(),
          storage -> {
            String key = String.valueOf(storages.size());
            storages.put(key, storage);
            return key;
          });
    }
    byte[] pickle = new StateDictPickler(keys).dumps(new LinkedHashMap<>(stateDict));
    try (TorchArchiveWriter archive = new TorchArchiveWriter(out, FOLDER)) {
      // In torch.save's order: the pickle, the byte order, the storages, the format version last.
      archive.write("data.pkl", pickle);
      String byteOrder = order == ByteOrder.BIG_ENDIAN ? "big" : "little";
      archive.write("byteorder", byteOrder.getBytes(StandardCharsets.US_ASCII));
      for (Map.Entry<String, TorchStorage> storage : storages.entrySet()) {
        archive.write("data/" + storage.getKey(), storage.getValue().bytes(order));
      }
      archive.write("version", FORMAT_VERSION.getBytes(StandardCharsets.US_ASCII));
    }
  }
}
