package io.emotionstream.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Brings weights trained with the PyTorch reference into our format. A TorchScript module loaded in
 * DJL exposes its parameters under their state_dict names but not its BatchNorm running statistics,
 * so the complete weights come from the state_dict saved with {@code np.savez}; the TorchScript
 * file, when given too, must agree with it parameter for parameter.
 */
public final class TorchScriptImport {
  private TorchScriptImport() {}

  /**
   * @param torchScript the traced or scripted reference model, or null
   * @param stateDict the reference's state_dict as .npz (every parameter and buffer); required
   */
  public static Checkpoint importWeights(Path torchScript, Path stateDict) throws IOException {
    if (stateDict == null) {
      throw new CheckpointException(
          "a TorchScript file alone lacks BatchNorm's running mean and variance (DJL does not expose "
              + "module buffers); also give the state_dict saved with np.savez (--state-dict)");
    }
    ModelWeights weights = ModelWeights.readNpz(stateDict);
    if (torchScript != null) {
      checkAgreement(readParameters(torchScript), weights, torchScript);
    }
    return Checkpoint.untrained(weights, Hyperparameters.DEFAULTS);
  }

  static Map<String, ModelWeights.Tensor> readParameters(Path torchScript) throws IOException {
    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(torchScript)
            .optEngine("PyTorch")
            .build();
    try (ZooModel<NDList, NDList> model = criteria.loadModel()) {
      Map<String, ModelWeights.Tensor> parameters = new LinkedHashMap<>();
      for (Pair<String, Parameter> pair : model.getBlock().getParameters()) {
        parameters.put(pair.getKey(), ModelWeights.toTensor(pair.getValue().getArray()));
      }
      return parameters;
    } catch (ModelNotFoundException | MalformedModelException | RuntimeException e) {
      throw new IOException(
          "cannot load " + torchScript + " as a TorchScript model: " + e.getMessage(), e);
    }
  }

  private static void checkAgreement(
      Map<String, ModelWeights.Tensor> scripted, ModelWeights weights, Path torchScript)
      throws CheckpointException {
    if (scripted.isEmpty()) {
      throw new CheckpointException(torchScript + " exposes no parameters");
    }
    for (Map.Entry<String, ModelWeights.Tensor> entry : scripted.entrySet()) {
      ModelWeights.Tensor fromNpz = weights.tensors().get(entry.getKey());
      if (fromNpz == null) {
        throw new CheckpointException(
            torchScript + " has parameter " + entry.getKey() + " that the state_dict lacks");
      }
      if (!Arrays.equals(fromNpz.values(), entry.getValue().values())) {
        throw new CheckpointException(
            entry.getKey()
                + " differs between "
                + torchScript
                + " and the state_dict: not the same model");
      }
    }
  }
}
