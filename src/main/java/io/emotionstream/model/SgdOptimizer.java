package io.emotionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** torch.optim.SGD with optional momentum, no dampening, no Nesterov. */
final class SgdOptimizer extends TorchOptimizer {
  private final float momentum;

  SgdOptimizer(NDManager parent, double learningRate, double momentum, double weightDecay) {
    super(parent, learningRate, weightDecay);
    this.momentum = (float) momentum;
  }

  @Override
  protected int stateSlots() {
    return 1;
  }

  @Override
  protected void update(
      NDArray weight, NDArray gradient, NDArray[] state, int step, NDManager scratch) {
    NDArray direction = gradient;
    if (momentum != 0f) {
      // The buffer starts at zero, so the first step leaves it equal to the gradient, as torch's.
      direction = state[0].muli(momentum).addi(gradient);
    }
    weight.subi(inScratch(direction.mul(learningRate), scratch));
  }
}
