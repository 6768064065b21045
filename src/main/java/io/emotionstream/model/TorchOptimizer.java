package io.emotionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimiser with torch.optim's update rule (DJL's built-in ones follow MXNet's conventions, and
 * its PyTorch engine has no RMSprop), so a step here and a step of the PyTorch reference agree.
 * Weight decay is L2 added to the gradient, as torch's non-"W" optimisers do. Its state lives in
 * its own memory: close it with the run.
 */
public abstract class TorchOptimizer implements AutoCloseable {
  protected final float learningRate;
  private final float weightDecay;
  private final NDManager stateMemory;
  private final Map<String, NDArray[]> states = new HashMap<>();
  private int steps;

  protected TorchOptimizer(NDManager parent, double learningRate, double weightDecay) {
    this.learningRate = (float) learningRate;
    this.weightDecay = (float) weightDecay;
    this.stateMemory = parent.newSubManager();
  }

  /**
   * The optimiser the hyperparameters name, with their learning rate, momentum and weight decay.
   */
  public static TorchOptimizer of(Hyperparameters hyperparameters, NDManager parent) {
    double lr = hyperparameters.learningRate();
    double decay = hyperparameters.weightDecay();
    switch (hyperparameters.optimizerKind()) {
      case ADAM:
        return new AdamOptimizer(parent, lr, decay);
      case SGD:
        return new SgdOptimizer(parent, lr, hyperparameters.momentum(), decay);
      case RMSPROP:
        return new RmspropOptimizer(parent, lr, hyperparameters.momentum(), decay);
      default:
        throw new IllegalArgumentException("no optimizer for " + hyperparameters.optimizer());
    }
  }

  /**
   * Applies one update to every trainable parameter from its gradient. Temporary arrays go to
   * {@code scratch}, which the caller closes after the batch.
   */
  public final void step(Collection<Parameter> parameters, NDManager scratch) {
    steps++;
    for (Parameter parameter : parameters) {
      if (!parameter.requiresGradient()) {
        continue;
      }
      NDArray array = parameter.getArray();
      NDArray gradient = inScratch(array.getGradient(), scratch);
      // The detached alias shares the parameter's storage: updating it in place updates the weight
      // without recording the update in the autograd graph.
      NDArray weight = inScratch(array.stopGradient(), scratch);
      NDArray decayed = weightDecay == 0f ? gradient : gradient.add(weight.mul(weightDecay));
      NDArray[] state = states.computeIfAbsent(parameter.getId(), id -> newState(weight));
      update(weight, decayed, state, steps, scratch);
    }
  }

  /**
   * Zeroes the gradients before a backward pass accumulates into them. Needed before the first pass
   * too: a freshly attached gradient buffer is not guaranteed to hold zeros.
   */
  public static void zeroGradients(Collection<Parameter> parameters) {
    for (Parameter parameter : parameters) {
      if (parameter.requiresGradient()) {
        JniUtils.zeroGrad((PtNDArray) parameter.getArray());
      }
    }
  }

  private NDArray[] newState(NDArray weight) {
    NDArray[] state = new NDArray[stateSlots()];
    for (int i = 0; i < state.length; i++) {
      state[i] = stateMemory.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
    }
    return state;
  }

  protected abstract int stateSlots();

  /**
   * Updates {@code weight} in place. {@code state} arrays start at zero; {@code step} counts from
   * 1.
   */
  protected abstract void update(
      NDArray weight, NDArray gradient, NDArray[] state, int step, NDManager scratch);

  /** Moves a new array derived from long-lived memory into the batch's scratch memory. */
  protected static NDArray inScratch(NDArray array, NDManager scratch) {
    array.attach(scratch);
    return array;
  }

  /** Steps taken so far. */
  public int steps() {
    return steps;
  }

  /** The state of every parameter stepped so far, under the names of {@code parameters}. */
  OptimizerState state(String optimizer, Map<String, Parameter> parameters) {
    Map<String, ModelWeights.Tensor> slots = new LinkedHashMap<>();
    parameters.forEach(
        (name, parameter) -> {
          NDArray[] state = states.get(parameter.getId());
          for (int slot = 0; state != null && slot < state.length; slot++) {
            slots.put(OptimizerState.key(name, slot), ModelWeights.toTensor(state[slot]));
          }
        });
    return new OptimizerState(optimizer, steps, slots);
  }

  /**
   * Takes up {@code saved} for {@code parameters}, which must be the same model layout.
   *
   * @throws IllegalArgumentException if a parameter's saved slots are missing or of another shape
   */
  void restore(OptimizerState saved, Map<String, Parameter> parameters) {
    Map<String, NDArray[]> restored = new HashMap<>();
    parameters.forEach(
        (name, parameter) -> {
          if (!parameter.requiresGradient()) {
            return;
          }
          NDArray weight = parameter.getArray();
          NDArray[] state = new NDArray[stateSlots()];
          for (int slot = 0; slot < state.length; slot++) {
            ModelWeights.Tensor tensor = saved.slots().get(OptimizerState.key(name, slot));
            if (tensor == null || !Arrays.equals(tensor.shape(), weight.getShape().getShape())) {
              throw new IllegalArgumentException(
                  "saved optimizer state has no slot "
                      + slot
                      + " of "
                      + name
                      + " in shape "
                      + weight.getShape());
            }
            state[slot] =
                stateMemory
                    .create(tensor.values(), weight.getShape())
                    .toDevice(weight.getDevice(), false);
          }
          restored.put(parameter.getId(), state);
        });
    states.clear();
    states.putAll(restored);
    steps = saved.steps();
  }

  @Override
  public void close() {
    stateMemory.close();
  }
}
