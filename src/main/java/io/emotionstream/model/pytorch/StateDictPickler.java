package io.emotionstream.model.pytorch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import net.razorvine.pickle.IObjectDeconstructor;
import net.razorvine.pickle.IObjectPickler;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.Pickler;

/**
 * Writes data.pkl as torch.save writes it for a state_dict (pickle protocol 2): an OrderedDict of
 * tensors, each rebuilt by {@code torch._utils._rebuild_tensor_v2} from a storage that the pickle
 * names by a persistent id, ('storage', torch.FloatStorage, KEY, 'cpu', elements), and the archive
 * holds as data/KEY. Only what torch's loader, weights_only mode included, accepts.
 */
final class StateDictPickler extends Pickler {
  /**
   * Python's {@code OrderedDict()} then its items, the form torch.save gives every state_dict (and
   * the empty backward-hooks dict of every tensor). Any LinkedHashMap is pickled so.
   */
  private static final IObjectPickler ORDERED_DICT =
      (object, out, pickler) -> {
        global(out, "collections", "OrderedDict");
        out.write(Opcodes.EMPTY_TUPLE);
        out.write(Opcodes.REDUCE);
        Map<?, ?> items = (Map<?, ?>) object;
        if (!items.isEmpty()) {
          out.write(Opcodes.MARK);
          for (Map.Entry<?, ?> item : items.entrySet()) {
            pickler.save(item.getKey());
            pickler.save(item.getValue());
          }
          out.write(Opcodes.SETITEMS);
        }
      };

  /**
   * A storage class, {@code torch.FloatStorage} and so on, as the global it is in a persistent id.
   */
  private static final IObjectPickler STORAGE_CLASS =
      (object, out, pickler) -> global(out, "torch", ((TorchDtype) object).storageClass());

  /**
   * torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
   * backward_hooks).
   */
  private static final IObjectDeconstructor TENSOR =
      new IObjectDeconstructor() {
        @Override
        public String getModule() {
          return "torch._utils";
        }

        @Override
        public String getName() {
          return "_rebuild_tensor_v2";
        }

        @Override
        public Object[] deconstruct(Object object) {
          TorchTensor tensor = (TorchTensor) object;
          return new Object[] {
            tensor.storage(),
            tensor.offset(),
            tuple(tensor.shape()),
            tuple(tensor.stride()),
            false,
            new LinkedHashMap<>()
          };
        }
      };

  private final Map<TorchStorage, String> storageKeys;

  /**
   * @param storageKeys the archive key of every storage the tensors view
   */
  StateDictPickler(Map<TorchStorage, String> storageKeys) {
    // Memoise by identity: only the very same object is written once and referred to after.
    super(true, false);
    this.storageKeys = storageKeys;
  }

  @Override
  protected IObjectPickler getCustomPickler(Class<?> type) {
    if (LinkedHashMap.class.isAssignableFrom(type)) {
      return ORDERED_DICT;
    }
    return type == TorchDtype.class ? STORAGE_CLASS : null;
  }

  @Override
  protected IObjectDeconstructor getCustomDeconstructor(Class<?> type) {
    return type == TorchTensor.class ? TENSOR : null;
  }

  @Override
  protected Object persistentId(Object object) {
    if (object instanceof TorchStorage storage) {
      String key = storageKeys.get(storage);
      if (key == null) {
        throw new IllegalArgumentException("a tensor views a storage that is not to be written");
      }
      return new Object[] {"storage", storage.dtype(), key, "cpu", storage.size()};
    }
    return null;
  }

  private static void global(OutputStream out, String module, String name) throws IOException {
    out.write(Opcodes.GLOBAL);
    out.write((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static Object[] tuple(long[] values) {
    return Arrays.stream(values).boxed().toArray();
  }
}
