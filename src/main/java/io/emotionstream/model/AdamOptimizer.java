package io.emotionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** torch.optim.Adam with betas (0.9, 0.999) and eps 1e-8, bias-corrected as torch corrects. */
final class AdamOptimizer extends TorchOptimizer {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;

  AdamOptimizer(NDManager parent, double learningRate, double weightDecay) {
    super(parent, learningRate, weightDecay);
  }

  @Override
  protected int stateSlots() {
    return 2;
  }

  @Override
  protected void update(
      NDArray weight, NDArray gradient, NDArray[] state, int step, NDManager scratch) {
    NDArray mean = state[0];
    NDArray square = state[1];
    mean.muli(BETA1).addi(gradient.mul(1 - BETA1));
    square.muli(BETA2).addi(gradient.mul(gradient).muli(1 - BETA2));
    double correction1 = 1 - Math.pow(BETA1, step);
    double correction2 = 1 - Math.pow(BETA2, step);
    NDArray denominator =
        inScratch(square.sqrt(), scratch).divi((float) Math.sqrt(correction2)).addi(EPSILON);
    NDArray change =
        inScratch(mean.mul((float) (learningRate / correction1)), scratch).divi(denominator);
    weight.subi(change);
  }
}
