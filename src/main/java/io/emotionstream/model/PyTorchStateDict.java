package io.emotionstream.model;

import io.emotionstream.model.pytorch.PyTorchFile;
import io.emotionstream.model.pytorch.PyTorchFileException;
import io.emotionstream.model.pytorch.StateDict;
import io.emotionstream.model.pytorch.TorchTensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deep-Emotion's weights in and out of the file the Python project writes with {@code
 * torch.save(net.state_dict(), path)} and reads with {@code net.load_state_dict(torch.load(path))}.
 */
public final class PyTorchStateDict {
  private PyTorchStateDict() {}

  /**
   * A checkpoint of the weights in {@code file}: a state_dict, DataParallel's included, or a
   * training checkpoint dict holding one (see {@link PyTorchFile#read}).
   */
  public static Checkpoint read(Path file) throws IOException {
    StateDict stateDict = PyTorchFile.read(file);
    Map<String, ModelWeights.Tensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, TorchTensor> entry : stateDict.tensors().entrySet()) {
      try {
        tensors.put(
            entry.getKey(),
            new ModelWeights.Tensor(entry.getValue().shape(), entry.getValue().toFloats()));
      } catch (PyTorchFileException e) {
        throw new CheckpointException(
            stateDict.where() + ": " + entry.getKey() + ": " + e.getMessage(), e);
      }
    }
    return Checkpoint.untrained(
        StateDictLayout.toWeights(tensors, stateDict.where()), Hyperparameters.DEFAULTS);
  }

  /**
   * Writes {@code weights} as the reference's complete state_dict, for a strict {@code
   * load_state_dict}: every key in PyTorch's order, and BatchNorm's batch counter as the int64
   * scalar PyTorch keeps. The counter is 0: training here does not count batches, and
   * Deep_Emotion's BatchNorm never reads it (see {@link StateDictLayout#toWeights}).
   */
  public static void write(ModelWeights weights, Path file) throws IOException {
    Map<String, TorchTensor> stateDict = new LinkedHashMap<>();
    for (String key : StateDictLayout.referenceKeys()) {
      if (StateDictLayout.isBatchCounter(key)) {
        stateDict.put(key, TorchTensor.of(new long[] {0}));
      } else {
        ModelWeights.Tensor tensor = weights.get(key);
        stateDict.put(key, TorchTensor.of(tensor.values(), tensor.shape()));
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PyTorchFile.write(stateDict, ByteOrder.LITTLE_ENDIAN, bytes);
    AtomicFile.write(file, bytes.toByteArray());
  }
}
