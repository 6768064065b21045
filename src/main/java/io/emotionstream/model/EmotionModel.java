package io.emotionstream.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * A {@link DeepEmotion} network with its weights in memory on one device. Owns the native memory of
 * its parameters: close it when done.
 */
public final class EmotionModel implements AutoCloseable {
  private static final float[] IDENTITY_THETA = {1, 0, 0, 0, 1, 0};

  private final NDManager manager;
  private final DeepEmotion block;
  private final ParameterStore store;
  private final Map<String, Parameter> parameters;
  private final float dropout;

  private EmotionModel(float dropout, Device device) {
    Engine.getInstance(); // loads libtorch before anything touches the JNI layer
    manager = NDManager.newBaseManager(device);
    block = new DeepEmotion();
    this.dropout = DeepEmotion.checkedDropout(dropout);
    for (Parameter.Type type : Parameter.Type.values()) {
      block.setInitializer(new ConstantInitializer(0f), type);
    }
    block.initialize(manager, DataType.FLOAT32, DeepEmotion.FACE);
    parameters = block.parametersByTorchName();
    store = new ParameterStore(manager, false);
  }

  /**
   * Fresh weights drawn as PyTorch's defaults draw them (uniform within 1/sqrt(fan_in) for
   * convolutions and linear layers), the last fc_loc layer at the identity transform as the seed
   * project starts it, BatchNorm at scale 1, shift 0, running mean 0, variance 1.
   */
  public static EmotionModel initialised(float dropout, long seed, Device device) {
    EmotionModel model = new EmotionModel(dropout, device);
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, ModelWeights.Tensor> tensors = new LinkedHashMap<>();
    model.parameters.forEach(
        (name, parameter) -> {
          long[] shape = parameter.getArray().getShape().getShape();
          tensors.put(
              name, new ModelWeights.Tensor(shape, initialValues(name, shape, model, random)));
        });
    model.load(new ModelWeights(tensors));
    return model;
  }

  private static float[] initialValues(
      String name, long[] shape, EmotionModel model, SplittableRandom random) {
    int size = (int) Arrays.stream(shape).reduce(1, Math::multiplyExact);
    float[] values = new float[size];
    if (name.startsWith("fc_loc.2.")) {
      if (name.endsWith("bias")) {
        return IDENTITY_THETA.clone();
      }
      return values;
    }
    if (name.startsWith("norm.")) {
      if (name.endsWith(".weight") || name.endsWith(".running_var")) {
        Arrays.fill(values, 1f);
      }
      return values;
    }
    String layer = name.substring(0, name.lastIndexOf('.'));
    long[] weightShape = model.parameters.get(layer + ".weight").getArray().getShape().getShape();
    long fanIn = Arrays.stream(weightShape).skip(1).reduce(1, Math::multiplyExact);
    double bound = 1.0 / Math.sqrt(fanIn);
    for (int i = 0; i < size; i++) {
      values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
    }
    return values;
  }

  /** A model holding {@code weights}, which must name and shape every parameter of the network. */
  public static EmotionModel withWeights(ModelWeights weights, float dropout, Device device) {
    EmotionModel model = new EmotionModel(dropout, device);
    try {
      model.load(weights);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return model;
  }

  /** The device DJL prefers: a GPU when it sees one, else the CPU. */
  public static Device preferredDevice() {
    return Engine.getInstance().defaultDevice();
  }

  /** Overwrites every parameter and buffer; names and shapes must match exactly. */
  public void load(ModelWeights weights) {
    if (!weights.tensors().keySet().equals(parameters.keySet())) {
      throw new IllegalArgumentException(
          "weights do not fit "
              + DeepEmotion.ARCHITECTURE
              + ": expected "
              + parameters.keySet()
              + ", got "
              + weights.tensors().keySet());
    }
    parameters.forEach(
        (name, parameter) -> {
          ModelWeights.Tensor tensor = weights.get(name);
          NDArray array = parameter.getArray();
          if (!Arrays.equals(array.getShape().getShape(), tensor.shape())) {
            throw new IllegalArgumentException(
                name
                    + " has shape "
                    + array.getShape()
                    + ", weights give "
                    + Arrays.toString(tensor.shape()));
          }
          array.set(tensor.values());
        });
  }

  public ModelWeights weights() {
    Map<String, ModelWeights.Tensor> tensors = new LinkedHashMap<>();
    parameters.forEach(
        (name, parameter) -> tensors.put(name, ModelWeights.toTensor(parameter.getArray())));
    return new ModelWeights(tensors);
  }

  /**
   * (N, 1, 48, 48) normalised faces to (N, 7) logits; training uses batch statistics, and no
   * dropout.
   */
  public NDArray forward(NDArray input, boolean training) {
    return block.forward(store, new NDList(input), training).singletonOrThrow();
  }

  /**
   * The forward pass of a training step: batch statistics, and dropout whose keep-mask is drawn
   * from {@code random}. The mask is drawn here rather than by libtorch, whose generator is one for
   * the whole process: any other thread drawing from it, or seeding it, would change this run's
   * masks.
   */
  public NDArray forwardTraining(NDArray input, Random random) {
    if (dropout == 0f) {
      return forward(input, true);
    }
    int faces = Math.toIntExact(input.getShape().get(0));
    float keep = 1f - dropout;
    float[] mask = new float[faces * block.features()];
    for (int i = 0; i < mask.length; i++) {
      // torch's dropout: kept with probability 1 - p and scaled by 1 / (1 - p), so expectations
      // hold
      mask[i] = random.nextFloat() < keep ? 1f / keep : 0f;
    }
    NDArray keepMask = input.getManager().create(mask, new Shape(faces, block.features()));
    return block.forward(store, new NDList(input, keepMask), true).singletonOrThrow();
  }

  /** Parameters and buffers under the reference's state_dict names. */
  public Map<String, Parameter> parameters() {
    return parameters;
  }

  public long parameterCount() {
    return parameters.values().stream()
        .filter(Parameter::requiresGradient)
        .mapToLong(p -> p.getArray().size())
        .sum();
  }

  public Device device() {
    return manager.getDevice();
  }

  /** The manager owning the parameters; per-batch work should use a sub-manager of it. */
  public NDManager manager() {
    return manager;
  }

  @Override
  public void close() {
    manager.close();
  }
}
