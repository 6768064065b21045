package io.emotionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** torch.optim.RMSprop, not centred: alpha 0.99, eps 1e-8 outside the square root. */
final class RmspropOptimizer extends TorchOptimizer {
  private static final float ALPHA = 0.99f;
  private static final float EPSILON = 1e-8f;
  private final float momentum;

  RmspropOptimizer(NDManager parent, double learningRate, double momentum, double weightDecay) {
    super(parent, learningRate, weightDecay);
    this.momentum = (float) momentum;
  }

  @Override
  protected int stateSlots() {
    return 2;
  }

  @Override
  protected void update(
      NDArray weight, NDArray gradient, NDArray[] state, int step, NDManager scratch) {
    NDArray square = state[0];
    square.muli(ALPHA).addi(gradient.mul(gradient).muli(1 - ALPHA));
    NDArray scaled = gradient.div(inScratch(square.sqrt(), scratch).addi(EPSILON));
    if (momentum > 0f) {
      NDArray buffer = state[1];
      buffer.muli(momentum).addi(scaled);
      weight.subi(inScratch(buffer.mul(learningRate), scratch));
    } else {
      weight.subi(scaled.muli(learningRate));
    }
  }
}
