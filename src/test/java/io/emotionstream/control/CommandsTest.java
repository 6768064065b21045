package io.emotionstream.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.emotionstream.avro.CommandType;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.TrainingMode;
import io.emotionstream.model.Hyperparameters;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandsTest {

  @Test
  void aRetrainLeftEmptyTrainsFromScratchWithTheSeedsHyperparameters() {
    ControlCommand retrain = Commands.retrain().build();
    assertEquals(CommandType.RETRAIN, retrain.getType());
    assertEquals(Hyperparameters.DEFAULTS, Commands.hyperparameters(retrain));
    assertEquals(TrainingMode.SCRATCH, Commands.mode(retrain));
  }

  @Test
  void aRetrainKeepsWhatItWasGivenAndDefaultsTheRest() {
    ControlCommand retrain =
        Commands.retrain().setEpochs(3).setOptimizer("sgd").setMode(TrainingMode.FINE_TUNE).build();
    assertEquals(
        Hyperparameters.DEFAULTS.withEpochs(3).withOptimizer("sgd"),
        Commands.hyperparameters(retrain));
    assertEquals(TrainingMode.FINE_TUNE, Commands.mode(retrain));
  }

  @Test
  void everyCommandHasAFreshIdAndItsRunIsNamedAfterIt() {
    ControlCommand first = Commands.rollback(null);
    ControlCommand second = Commands.rollback(null);
    assertNotEquals(first.getCommandId(), second.getCommandId());
    assertEquals("run-" + first.getCommandId(), Commands.runId(first.getCommandId()));
  }

  @Test
  void readsAModeAsPeopleWriteIt() {
    for (String written : List.of("fine-tune", "FINE_TUNE", " finetune ", "Fine-Tune")) {
      assertEquals(TrainingMode.FINE_TUNE, Commands.mode(written), written);
    }
    assertEquals(TrainingMode.SCRATCH, Commands.mode("Scratch"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Commands.mode("sideways"));
    assertEquals("mode must be scratch or fine-tune, got 'sideways'", e.getMessage());
  }
}
