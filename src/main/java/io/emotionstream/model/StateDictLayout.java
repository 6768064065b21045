package io.emotionstream.model;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep-Emotion's weights as the reference's state_dict lays them out, which {@link ModelWeights}
 * does not quite: PyTorch's BatchNorm also saves a batch counter ({@code
 * norm.num_batches_tracked}), DataParallel saves every key behind "module.", and the keys come in
 * the order the reference's {@code __init__} creates its layers. Both ways: the weights from any
 * such state_dict, checked key by key and shape by shape, and the keys of the state_dict the
 * reference loads, in its order.
 */
final class StateDictLayout {
  private static final String DATA_PARALLEL_PREFIX = "module.";
  private static final String BATCH_COUNTER = ".num_batches_tracked";
  private static final String RUNNING_VARIANCE = ".running_var";

  /**
   * The reference's layers in the order its __init__ creates them, which is the order of its
   * state_dict.
   */
  private static final List<String> REFERENCE_LAYER_ORDER =
      List.of(
          "conv1",
          "conv2",
          "conv3",
          "conv4",
          "norm",
          "fc1",
          "fc2",
          "localization.0",
          "localization.3",
          "fc_loc.0",
          "fc_loc.2");

  private static final int NAMES_LISTED = 6;

  private StateDictLayout() {}

  /**
   * The network's weights out of a state_dict's tensors (as float32), in the network's order. Batch
   * counters are checked to be one number and left out: PyTorch's BatchNorm reads its counter only
   * when its momentum is None (a cumulative average), which Deep_Emotion's is not.
   *
   * @param where the file, and the place in it, for messages
   */
  static ModelWeights toWeights(Map<String, ModelWeights.Tensor> stateDict, String where)
      throws CheckpointException {
    Map<String, long[]> network = networkShapes();
    Map<String, ModelWeights.Tensor> named = withoutDataParallelPrefix(stateDict);
    List<String> foreign = new ArrayList<>();
    for (Map.Entry<String, ModelWeights.Tensor> entry : named.entrySet()) {
      String key = entry.getKey();
      if (isBatchCounter(key) && network.containsKey(layer(key) + RUNNING_VARIANCE)) {
        if (entry.getValue().values().length != 1) {
          throw new CheckpointException(
              where
                  + ": "
                  + key
                  + " has shape "
                  + Arrays.toString(entry.getValue().shape())
                  + ", not one count");
        }
      } else if (!network.containsKey(key)) {
        foreign.add(key);
      }
    }
    List<String> missing =
        network.keySet().stream().filter(key -> !named.containsKey(key)).toList();
    if (!missing.isEmpty()) {
      throw new CheckpointException(
          where
              + ": no "
              + listed(missing)
              + ", which a state_dict of the reference "
              + "Deep_Emotion holds");
    }
    if (!foreign.isEmpty()) {
      throw new CheckpointException(
          where
              + ": "
              + listed(foreign)
              + " not in the reference Deep_Emotion "
              + "(a state_dict of another model?)");
    }
    Map<String, ModelWeights.Tensor> weights = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> entry : network.entrySet()) {
      ModelWeights.Tensor tensor = named.get(entry.getKey());
      if (!Arrays.equals(tensor.shape(), entry.getValue())) {
        throw new CheckpointException(
            where
                + ": "
                + entry.getKey()
                + " has shape "
                + Arrays.toString(tensor.shape())
                + ", Deep_Emotion's is "
                + Arrays.toString(entry.getValue()));
      }
      weights.put(entry.getKey(), tensor);
    }
    return new ModelWeights(weights);
  }

  /**
   * The keys of the reference's state_dict, in its order: batch counters included (see {@link
   * #isBatchCounter}).
   */
  static List<String> referenceKeys() {
    List<String> network = new ArrayList<>(networkShapes().keySet());
    List<String> keys = new ArrayList<>();
    for (String layer : REFERENCE_LAYER_ORDER) {
      for (String key : network) {
        if (layer(key).equals(layer)) {
          keys.add(key);
          // PyTorch's BatchNorm registers its counter after its running statistics.
          if (key.endsWith(RUNNING_VARIANCE)) {
            keys.add(layer + BATCH_COUNTER);
          }
        }
      }
    }
    network.removeAll(keys);
    if (!network.isEmpty()) {
      throw new IllegalStateException(
          "layers of " + network + " are missing from the reference's layer order");
    }
    return keys;
  }

  /**
   * Whether {@code key} names a BatchNorm batch counter, an int64 scalar PyTorch saves beside the
   * statistics.
   */
  static boolean isBatchCounter(String key) {
    return key.endsWith(BATCH_COUNTER);
  }

  private static Map<String, long[]> networkShapes() {
    try (EmotionModel model = EmotionModel.initialised(0f, 0L, Device.cpu())) {
      Map<String, long[]> shapes = new LinkedHashMap<>();
      model
          .parameters()
          .forEach(
              (name, parameter) -> shapes.put(name, parameter.getArray().getShape().getShape()));
      return shapes;
    }
  }

  /**
   * DataParallel wraps the model as its attribute "module", so every key of its state_dict starts
   * with "module.".
   */
  private static Map<String, ModelWeights.Tensor> withoutDataParallelPrefix(
      Map<String, ModelWeights.Tensor> stateDict) {
    if (stateDict.isEmpty()
        || !stateDict.keySet().stream().allMatch(key -> key.startsWith(DATA_PARALLEL_PREFIX))) {
      return stateDict;
    }
    Map<String, ModelWeights.Tensor> stripped = new LinkedHashMap<>();
    stateDict.forEach(
        (key, tensor) -> stripped.put(key.substring(DATA_PARALLEL_PREFIX.length()), tensor));
    return stripped;
  }

  private static String layer(String key) {
    return key.substring(0, key.lastIndexOf('.'));
  }

  private static String listed(List<String> names) {
    if (names.size() <= NAMES_LISTED) {
      return String.join(", ", names);
    }
    return String.join(", ", names.subList(0, NAMES_LISTED))
        + " and "
        + (names.size() - NAMES_LISTED)
        + " more";
  }
}
