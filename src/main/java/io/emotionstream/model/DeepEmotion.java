package io.emotionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Deep-Emotion network of the seed project, layer for layer: a spatial transformer
 * (localisation CNN, fc_loc regressing an affine theta, bilinear resampling) in front of a
 * four-convolution classifier with batch norm, dropout and two fully connected layers. Input:
 * normalised (N, 1, 48, 48) faces (see {@link FaceTensor}) and, in training, dropout's scaled
 * keep-mask over the 810 features (see {@link EmotionModel#forwardTraining}); output: (N, 7) logits
 * in FER2013 class order.
 */
public final class DeepEmotion extends AbstractBlock {
  public static final String ARCHITECTURE = "deep-emotion";
  public static final int ARCHITECTURE_VERSION = 1;
  public static final int CLASSES = 7;
  public static final int SIDE = 48;
  public static final int PARAMETER_COUNT = 66_877;

  /**
   * One face as {@link FaceTensor} makes it: every other shape of the network follows from this
   * one.
   */
  public static final Shape FACE = new Shape(1, 1, SIDE, SIDE);

  private final Conv2d locConv1 = conv(8, 7);
  private final Conv2d locConv2 = conv(10, 5);
  private final Linear fcLoc1 = linear(32);
  private final Linear fcLoc2 = linear(6);
  private final Conv2d conv1 = conv(10, 3);
  private final Conv2d conv2 = conv(10, 3);
  private final Conv2d conv3 = conv(10, 3);
  private final Conv2d conv4 = conv(10, 3);
  // DJL's momentum weighs the running value; torch's (0.1) weighs the batch: 0.9 here = 0.1 there.
  private final BatchNorm norm = BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).build();
  private final Linear fc1 = linear(50);
  private final Linear fc2 = linear(CLASSES);

  /** The layers under the names the PyTorch reference's state_dict gives them. */
  private final Map<String, Block> torchLayers = new LinkedHashMap<>();

  /** What one face flattens to ahead of fc_loc and ahead of fc1 (640 and 810). */
  private final long localisationFeatures;

  private final long features;

  public DeepEmotion() {
    super((byte) ARCHITECTURE_VERSION);
    layer("localization.0", locConv1);
    layer("localization.3", locConv2);
    layer("fc_loc.0", fcLoc1);
    layer("fc_loc.2", fcLoc2);
    layer("conv1", conv1);
    layer("conv2", conv2);
    layer("conv3", conv3);
    layer("conv4", conv4);
    layer("norm", norm);
    layer("fc1", fc1);
    layer("fc2", fc2);
    Shapes perFace = follow(FACE, DeepEmotion::outputShape);
    localisationFeatures = perFace.localisationFeatures().get(1);
    features = perFace.features().get(1);
  }

  /** How many values one face flattens to ahead of fc1: the width of dropout's keep-mask. */
  public int features() {
    return Math.toIntExact(features);
  }

  /** A dropout rate, checked: in [0, 1). */
  static float checkedDropout(float rate) {
    if (!(rate >= 0f && rate < 1f)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + rate);
    }
    return rate;
  }

  private void layer(String torchName, Block block) {
    torchLayers.put(torchName, addChildBlock(torchName.replace('.', '_'), block));
  }

  /**
   * Every parameter and BatchNorm buffer keyed by its name in the reference's state_dict ({@code
   * conv1.weight}, {@code norm.running_mean}, ...), in state_dict order.
   */
  public Map<String, Parameter> parametersByTorchName() {
    Map<String, Parameter> named = new LinkedHashMap<>();
    torchLayers.forEach(
        (layer, block) ->
            block
                .getParameters()
                .forEach(p -> named.put(layer + "." + torchSuffix(p.getKey()), p.getValue())));
    return Collections.unmodifiableMap(named);
  }

  private static String torchSuffix(String djlName) {
    switch (djlName) {
      case "gamma":
        return "weight";
      case "beta":
        return "bias";
      case "runningMean":
        return "running_mean";
      case "runningVar":
        return "running_var";
      default:
        return djlName;
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    if (!training) {
      try (NoGradScope noGrad = NoGradScope.enter()) {
        return new NDList(inferenceLogits(store, x));
      }
    }
    NDArray keepMask = inputs.size() > 1 ? inputs.get(1) : null;
    return new NDList(trainingLogits(store, x, keepMask));
  }

  /**
   * @param keepMask dropout's (N, 810) mask, scaled; null for none
   */
  private NDArray trainingLogits(ParameterStore store, NDArray x, NDArray keepMask) {
    NDArray theta = theta(store, x, true);
    int height = (int) x.getShape().get(2);
    int width = (int) x.getShape().get(3);
    NDArray transformed =
        BilinearSampler.sample(x, AffineGrid.generate(theta, height, width), height, width);
    return classify(store, transformed, true, keepMask);
  }

  /**
   * Inference resamples on the Java heap ({@link AffineResampler}, the same values as the training
   * path's native {@link BilinearSampler}): the theta and the image cross JNI once each, instead of
   * ~40 native operations. No gradient reaches theta this way, which inference does not need.
   */
  private NDArray inferenceLogits(ParameterStore store, NDArray x) {
    NDArray theta = theta(store, x, false);
    Shape shape = x.getShape();
    float[] transformed =
        AffineResampler.resample(
            x.toFloatArray(),
            theta.toFloatArray(),
            (int) shape.get(0),
            (int) shape.get(1),
            (int) shape.get(2),
            (int) shape.get(3));
    return classify(store, x.getManager().create(transformed, shape), false, null);
  }

  /** The classifier behind the spatial transformer. @param keepMask as {@link #trainingLogits} */
  private NDArray classify(
      ParameterStore store, NDArray transformed, boolean training, NDArray keepMask) {
    // In training the activations between conv1 and conv4 carry the padded channels along (zeros).
    NDArray out = relu(convolvePadded(conv1, store, transformed, training));
    out = relu(maxPool(convolvePadded(conv2, store, out, training), training));
    out = relu(convolvePadded(conv3, store, out, training));
    out =
        relu(maxPool(call(norm, store, convolve(conv4, store, out, training), training), training));
    out = out.reshape(-1, features);
    if (keepMask != null) {
      out = out.mul(keepMask);
    }
    out = relu(call(fc1, store, out, training));
    return call(fc2, store, out, training);
  }

  /** The spatial transformer's localisation: (N, 2, 3) affine thetas of the input. */
  private NDArray theta(ParameterStore store, NDArray x, boolean training) {
    NDArray xs = relu(maxPool(convolveLocalisation(locConv1, store, x, training), training));
    xs = relu(maxPool(convolve(locConv2, store, xs, training), training));
    xs = xs.reshape(-1, localisationFeatures);
    xs = relu(call(fcLoc1, store, xs, training));
    return call(fcLoc2, store, xs, training).reshape(-1, 2, 3);
  }

  /**
   * The first localisation layer: its input, the image, needs no gradient, so no padding either.
   */
  private static NDArray convolveLocalisation(
      Conv2d conv, ParameterStore store, NDArray x, boolean training) {
    return training ? call(conv, store, x, true) : convolveInference(conv, store, x);
  }

  private static NDArray call(Block block, ParameterStore store, NDArray x, boolean training) {
    return block.forward(store, new NDList(x), training).singletonOrThrow();
  }

  /**
   * A convolution whose input carries a gradient: in training it runs as {@link
   * ChannelPaddedConvolution} (see there why) and is cut back to the layer's channels, in inference
   * natively.
   */
  private static NDArray convolve(Conv2d conv, ParameterStore store, NDArray x, boolean training) {
    NDArray out = convolvePadded(conv, store, x, training);
    return training ? ChannelPaddedConvolution.cut(out, conv.getFilters()) : out;
  }

  /** As {@link #convolve}, but in training the padded channels stay, for the next convolution. */
  private static NDArray convolvePadded(
      Conv2d conv, ParameterStore store, NDArray x, boolean training) {
    if (!training) {
      return convolveInference(conv, store, x);
    }
    var parameters = conv.getParameters();
    NDArray weight = store.getValue(parameters.get("weight"), x.getDevice(), true);
    NDArray bias = store.getValue(parameters.get("bias"), x.getDevice(), true);
    return ChannelPaddedConvolution.apply(x, weight, bias);
  }

  /**
   * A convolution in inference. For a lone image, libtorch 2.7.1 sends a 3x3 convolution of at most
   * 20,480 input values (here conv1, conv3, conv4) past oneDNN to a path that first probes NNPACK,
   * which this CPU lacks, printing a warning per call (thousands a minute in a live classifier). As
   * a pair the image stays on oneDNN, so it is convolved twice and one copy kept: ~40 µs more than
   * the unpaired call for conv1 (measured), the price of a quiet log.
   */
  private static NDArray convolveInference(Conv2d conv, ParameterStore store, NDArray x) {
    Shape shape = x.getShape();
    boolean probesNnpack =
        shape.get(0) == 1 && conv.getKernelShape().get(0) <= 3 && shape.size() <= 20_480;
    if (!probesNnpack) {
      return call(conv, store, x, false);
    }
    return call(conv, store, x.concat(x, 0), false).get(new NDIndex().addSliceDim(0, 1));
  }

  private static NDArray relu(NDArray x) {
    return Activation.relu(x);
  }

  /**
   * torch's max_pool2d(x, 2). libtorch 2.7.1 pools a tensor laid out channel by channel with a
   * scalar loop per output element (35% of inference time at batch 128, 12% of a training step),
   * so: in inference as the elementwise maximum of the four strided views of the windows, which is
   * exact; in training on a copy laid out channels-last, which libtorch pools with vector
   * instructions and whose gradient, like the original's, goes to the first maximum of each window
   * (the maximum of views would split it between equal values, which the zero borders of the
   * spatial transformer's output make common). Later layers take the channels-last output as it is.
   */
  static NDArray maxPool(NDArray x, boolean training) {
    if (training) {
      return Pool.maxPool2d(
          channelsLast(x), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
    }
    long height = x.getShape().get(2) / 2 * 2;
    long width = x.getShape().get(3) / 2 * 2;
    NDArray top = x.get(window(0, 0, height, width)).maximum(x.get(window(0, 1, height, width)));
    NDArray bottom = x.get(window(1, 0, height, width)).maximum(x.get(window(1, 1, height, width)));
    return top.maximum(bottom);
  }

  /**
   * The view of every window's element at (row, column) of its 2x2, as x[:, :, row:height:2,
   * column:width:2]; built rather than parsed from that string, which costs a regular expression
   * match per index on every call.
   */
  private static NDIndex window(long row, long column, long height, long width) {
    return new NDIndex().addAllDim(2).addSliceDim(row, height, 2).addSliceDim(column, width, 2);
  }

  /**
   * {@code x} (N, C, H, W) copied so that each pixel's channels are adjacent in memory, still
   * indexed N, C, H, W (torch's channels_last memory format, which DJL has no call for). Merging
   * the width and channel axes of the transposed view is what forces the copy: a reshape that keeps
   * its shape, or merges axes already adjacent in memory, returns a view.
   */
  static NDArray channelsLast(NDArray x) {
    Shape shape = x.getShape();
    long n = shape.get(0);
    long c = shape.get(1);
    long h = shape.get(2);
    long w = shape.get(3);
    return x.transpose(0, 2, 3, 1).reshape(n, h, w * c).reshape(n, h, w, c).transpose(0, 3, 1, 2);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    follow(
        inputShapes[0],
        (layer, input) -> {
          layer.initialize(manager, dataType, input);
          return outputShape(layer, input);
        });
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {follow(inputShapes[0], DeepEmotion::outputShape).logits()};
  }

  /**
   * What a layer makes of an input of some shape; {@link #follow} may initialise the layer on the
   * way.
   */
  private interface LayerStep {
    Shape through(Block layer, Shape input);
  }

  /** The shapes {@link #follow} finds at the two flattenings and at the output. */
  private record Shapes(Shape localisationFeatures, Shape features, Shape logits) {}

  /**
   * Follows an input shape through the layers as the forward pass does, each layer taking the
   * previous one's output shape, in the order the layers were added (the order their parameters are
   * initialised).
   */
  private Shapes follow(Shape input, LayerStep step) {
    Shape xs = pooled(step.through(locConv1, input));
    xs = pooled(step.through(locConv2, xs));
    Shape localisationFeatures = flattened(xs);
    step.through(fcLoc2, step.through(fcLoc1, localisationFeatures));
    // The spatial transformer resamples the input onto a grid of its own height and width.
    Shape out = step.through(conv1, input);
    out = pooled(step.through(conv2, out));
    out = step.through(conv3, out);
    out = pooled(step.through(norm, step.through(conv4, out)));
    Shape features = flattened(out);
    Shape logits = step.through(fc2, step.through(fc1, features));
    return new Shapes(localisationFeatures, features, logits);
  }

  private static Shape outputShape(Block layer, Shape input) {
    return layer.getOutputShapes(new Shape[] {input})[0];
  }

  /**
   * The shape {@link #maxPool} gives: torch's max_pool2d(x, 2) halves height and width, rounding
   * down.
   */
  private static Shape pooled(Shape shape) {
    return new Shape(shape.get(0), shape.get(1), shape.get(2) / 2, shape.get(3) / 2);
  }

  /** (N, C, H, W) as the forward pass reshapes it for a fully connected layer: (N, C·H·W). */
  private static Shape flattened(Shape shape) {
    return new Shape(shape.get(0), shape.slice(1).size());
  }

  private static Conv2d conv(int filters, int kernel) {
    return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel)).build();
  }

  private static Linear linear(int units) {
    return Linear.builder().setUnits(units).build();
  }
}
