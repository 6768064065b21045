package io.emotionstream.model;

import java.util.Map;

/**
 * What an optimiser has learnt besides the weights (Adam's moving averages, SGD's momentum), so
 * that a run resumed from a checkpoint continues as if never stopped.
 *
 * @param optimizer the optimiser's name, as in {@link Hyperparameters#optimizer()}
 * @param steps updates taken so far (Adam's bias correction depends on it)
 * @param slots per parameter (state_dict name) and slot, {@code "<name>#<slot>"}, its state tensor
 */
public record OptimizerState(String optimizer, int steps, Map<String, ModelWeights.Tensor> slots) {

  static String key(String parameter, int slot) {
    return parameter + "#" + slot;
  }
}
