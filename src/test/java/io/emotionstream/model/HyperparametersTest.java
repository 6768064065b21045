package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HyperparametersTest {

  @Test
  void defaultsAreTheSeedProjects() {
    Hyperparameters d = Hyperparameters.DEFAULTS;
    assertEquals(50, d.epochs());
    assertEquals(0.005, d.learningRate());
    assertEquals(128, d.batchSize());
    assertEquals("adam", d.optimizer());
    assertEquals(0.9, d.momentum());
    assertEquals(0.0, d.weightDecay());
    assertEquals(0.5, d.dropout());
    assertEquals("cross-entropy", d.loss());
    assertEquals(42, d.seed());
  }

  @Test
  void rejectsAnUnknownOptimizerNamingTheChoices() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Hyperparameters.DEFAULTS.withOptimizer("adagrad"));
    assertTrue(
        e.getMessage().contains("unknown optimizer 'adagrad'")
            && e.getMessage().contains("rmsprop"));
  }

  @Test
  void rejectsANonPositiveLearningRate() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Hyperparameters.DEFAULTS.withLearningRate(0));
    assertTrue(e.getMessage().contains("learning rate"), e.getMessage());
  }

  @Test
  void rejectsOutOfRangeValues() {
    assertThrows(IllegalArgumentException.class, () -> Hyperparameters.DEFAULTS.withEpochs(0));
    assertThrows(IllegalArgumentException.class, () -> Hyperparameters.DEFAULTS.withBatchSize(0));
    assertThrows(IllegalArgumentException.class, () -> Hyperparameters.DEFAULTS.withDropout(1.0));
    assertThrows(IllegalArgumentException.class, () -> Hyperparameters.DEFAULTS.withMomentum(-0.1));
    assertThrows(
        IllegalArgumentException.class, () -> Hyperparameters.DEFAULTS.withWeightDecay(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Hyperparameters.DEFAULTS.withLoss("hinge"));
  }

  @Test
  void acceptsNamesInAnyCaseAndStoresThemCanonically() {
    assertEquals("rmsprop", Hyperparameters.DEFAULTS.withOptimizer("RMSprop").optimizer());
    assertEquals("label-smoothing", Hyperparameters.DEFAULTS.withLoss("LABEL_SMOOTHING").loss());
  }

  @Test
  void roundTripsThroughAvro() {
    Hyperparameters h = Hyperparameters.DEFAULTS.withOptimizer("sgd").withSeed(7);
    assertEquals(h, Hyperparameters.fromAvro(h.toAvro()));
  }
}
