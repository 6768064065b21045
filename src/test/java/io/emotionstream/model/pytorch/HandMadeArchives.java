package io.emotionstream.model.pytorch;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import net.razorvine.pickle.IObjectPickler;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.Pickler;

/**
 * Files torch.save would not write but a user's disk, or an attacker, may hold: checkpoint dicts of
 * any shape, pickles that call any Python global, and archives of any records.
 */
final class HandMadeArchives {
  private HandMadeArchives() {}

  /** A call of the Python global {@code module.name} with {@code args}, as pickles write a call. */
  record PythonCall(String module, String name, Object... args) {}

  /**
   * The same call, its global named the way of protocol 4 (STACK_GLOBAL: the names pushed as
   * strings).
   */
  record StackGlobalCall(String module, String name, Object... args) {}

  /**
   * {@code root} pickled as torch.save pickles (OrderedDicts, tensors), with its storages as
   * data/KEY.
   */
  static Path pickled(Path file, Object root, TorchStorage... storages) throws IOException {
    Map<TorchStorage, String> keys = new IdentityHashMap<>();
    for (TorchStorage storage : storages) {
      keys.put(storage, String.valueOf(keys.size()));
    }
    try (TorchArchiveWriter archive =
        new TorchArchiveWriter(Files.newOutputStream(file), "archive")) {
      archive.write("data.pkl", new StateDictPickler(keys).dumps(root));
      for (TorchStorage storage : storages) {
        archive.write("data/" + keys.get(storage), storage.bytes(ByteOrder.LITTLE_ENDIAN));
      }
    }
    return file;
  }

  /** A pickle of plain values and the calls above. */
  static byte[] withCalls(Object root) throws IOException {
    return new Pickler() {
      @Override
      protected IObjectPickler getCustomPickler(Class<?> type) {
        if (type == PythonCall.class) {
          return (object, out, pickler) -> {
            PythonCall call = (PythonCall) object;
            out.write(Opcodes.GLOBAL);
            out.write(
                (call.module() + "\n" + call.name() + "\n").getBytes(StandardCharsets.US_ASCII));
            pickler.save(call.args());
            out.write(Opcodes.REDUCE);
          };
        }
        if (type == StackGlobalCall.class) {
          return (object, out, pickler) -> {
            StackGlobalCall call = (StackGlobalCall) object;
            pickler.save(call.module());
            pickler.save(call.name());
            out.write(Opcodes.STACK_GLOBAL);
            pickler.save(call.args());
            out.write(Opcodes.REDUCE);
          };
        }
        return null;
      }
    }.dumps(root);
  }

  /** An archive holding exactly these records, under the folder "archive". */
  static Path withRecords(Path file, Map<String, byte[]> records) throws IOException {
    try (TorchArchiveWriter archive =
        new TorchArchiveWriter(Files.newOutputStream(file), "archive")) {
      for (Map.Entry<String, byte[]> record : records.entrySet()) {
        archive.write(record.getKey(), record.getValue());
      }
    }
    return file;
  }

  /**
   * {@code root} pickled as torch.save pickles, naming {@code storage} by key 0; the storage is not
   * written.
   */
  static byte[] pickle(Object root, TorchStorage storage) throws IOException {
    return new StateDictPickler(Map.of(storage, "0")).dumps(root);
  }
}
