package io.emotionstream.model.pytorch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Reads a torch.save archive's data.pkl into what a state_dict or a training checkpoint holds:
 * tensors, and Python's plain values and containers (dicts, lists, tuples, strings, numbers,
 * booleans, None).
 *
 * <p>A pickle rebuilds objects by naming Python callables, its "globals", which the unpickler looks
 * up and calls: Python's own unpickler imports and calls whichever it is given, which is how a
 * malicious pickle runs code. Here a global resolves only if it is one of the few torch.save uses
 * for tensors; any other is an error naming it. razorvine's Unpickler would otherwise stand an
 * inert dictionary in for any class it does not know, so its lookup is bypassed altogether, its own
 * table included.
 */
final class StateDictUnpickler extends Unpickler {
  private final TorchArchive archive;
  private final Map<String, TorchStorage> storages = new HashMap<>();

  StateDictUnpickler(TorchArchive archive) {
    this.archive = archive;
  }

  /** Python's OrderedDict, the type of every state_dict. */
  static final class OrderedDict extends LinkedHashMap<Object, Object> {
    private static final long serialVersionUID = 1L;
  }

  @Override
  protected Object dispatch(short opcode) throws IOException {
    switch (opcode) {
      case Opcodes.GLOBAL -> {
        String module = PickleUtils.readline(input);
        String name = PickleUtils.readline(input);
        stack.add(resolve(module, name));
      }
      case Opcodes.STACK_GLOBAL -> {
        Object name = stack.pop();
        Object module = stack.pop();
        stack.add(resolve(String.valueOf(module), String.valueOf(name)));
      }
      // Protocol 0's way to name a class and instantiate it at once; torch.save never writes it.
      case Opcodes.INST -> {
        String module = PickleUtils.readline(input);
        throw refused(module, PickleUtils.readline(input));
      }
      case Opcodes.BUILD -> build();
      default -> {
        return super.dispatch(opcode);
      }
    }
    return NO_RETURN_VALUE;
  }

  private Object resolve(String module, String name) throws PyTorchFileException {
    switch (module + "." + name) {
      case "collections.OrderedDict":
        return (IObjectConstructor) StateDictUnpickler::orderedDict;
      case "torch._utils._rebuild_tensor_v2":
        return (IObjectConstructor) StateDictUnpickler::rebuildTensor;
      case "torch._utils._rebuild_parameter":
        return (IObjectConstructor) StateDictUnpickler::rebuildParameter;
      default:
        break;
    }
    if (module.equals("torch") && name.endsWith("Storage")) {
      return TorchDtype.ofStorageClass(name)
          .orElseThrow(
              () ->
                  new PyTorchFileException(
                      archive.file()
                          + ": data.pkl holds a tensor of type torch."
                          + name
                          + ", which is not read: only float32, float64 and "
                          + "int64 tensors are"));
    }
    throw refused(module, name);
  }

  private PyTorchFileException refused(String module, String name) {
    return new PyTorchFileException(
        archive.file()
            + ": data.pkl asks for the Python global "
            + module
            + "."
            + name
            + ", which is refused: only tensors and plain containers are read, since a pickle's globals can run any "
            + "code (a whole model saved with torch.save(net) needs its class: save net.state_dict() instead)");
  }

  /**
   * BUILD gives an object its attributes. torch.save's state_dict carries one, {@code _metadata}
   * (the version of each module's layout, which only Python's loading of old layouts uses):
   * dropped. No other object built here takes attributes.
   */
  private void build() {
    Object attributes = stack.pop();
    if (!(stack.peek() instanceof OrderedDict)) {
      throw new PickleException(
          "attributes " + describe(attributes) + " set on " + describe(stack.peek()));
    }
  }

  private static Object orderedDict(Object[] args) {
    if (args.length != 0) {
      throw new PickleException(
          "collections.OrderedDict called with " + args.length + " arguments");
    }
    return new OrderedDict();
  }

  /**
   * torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
   * backward_hooks[, metadata]). requires_grad matters only to Python's autograd; a state_dict's
   * hooks are always an empty OrderedDict (a non-empty one would hold functions, refused as
   * globals).
   */
  private static Object rebuildTensor(Object[] args) {
    if (args.length < 4) {
      throw new PickleException(
          "torch._utils._rebuild_tensor_v2 called with " + args.length + " arguments");
    }
    if (!(args[0] instanceof TorchStorage storage)) {
      throw new PickleException(
          "torch._utils._rebuild_tensor_v2 given " + describe(args[0]) + " for a storage");
    }
    try {
      return new TorchTensor(storage, integer(args[1]), integers(args[2]), integers(args[3]));
    } catch (IllegalArgumentException e) {
      throw new PickleException("a tensor's layout is invalid: " + e.getMessage());
    }
  }

  /**
   * torch._utils._rebuild_parameter(data, requires_grad, backward_hooks): a state_dict saved with
   * keep_vars=True.
   */
  private static Object rebuildParameter(Object[] args) {
    if (args.length < 1 || !(args[0] instanceof TorchTensor tensor)) {
      throw new PickleException("torch._utils._rebuild_parameter given no tensor");
    }
    return tensor;
  }

  /**
   * torch.save names each storage by a persistent id, ('storage', storage class, key, location,
   * number of elements), and puts its bytes in the archive under data/KEY. The location (cpu,
   * cuda:0) does not change the bytes: every tensor is read onto the CPU.
   */
  @Override
  protected Object persistentLoad(Object pid) {
    if (!(pid instanceof Object[] id)
        || id.length != 5
        || !"storage".equals(id[0])
        || !(id[1] instanceof TorchDtype dtype)
        || !(id[2] instanceof String key)) {
      throw new PickleException(
          "persistent id " + describe(pid) + " is not a storage as torch.save names them");
    }
    long size = integer(id[4]);
    TorchStorage storage = storages.get(key);
    if (storage == null) {
      try {
        storage = archive.storage(key, dtype, size);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      storages.put(key, storage);
    }
    return storage;
  }

  private static long integer(Object value) {
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw new PickleException(describe(value) + " where an integer belongs");
  }

  private static long[] integers(Object value) {
    if (!(value instanceof Object[] tuple)) {
      throw new PickleException(describe(value) + " where a tuple of integers belongs");
    }
    long[] integers = new long[tuple.length];
    for (int i = 0; i < tuple.length; i++) {
      integers[i] = integer(tuple[i]);
    }
    return integers;
  }

  /** A value as Python would name its type, for messages. */
  static String describe(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof TorchTensor) {
      return "a tensor";
    }
    if (value instanceof Map<?, ?>) {
      return "a dict";
    }
    if (value instanceof List<?>) {
      return "a list";
    }
    if (value instanceof Object[]) {
      return "a tuple";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number (" + value + ")";
    }
    return "a " + value.getClass().getSimpleName();
  }
}
