package io.emotionstream.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.avro.RunState;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunStatesTest {

  @Test
  void aRunIsFinishedOnceItCompletesIsCancelledFailsOrIsRejected() {
    List<RunState> finished =
        Arrays.stream(RunState.values()).filter(RunStates::isFinished).toList();
    assertEquals(
        List.of(RunState.COMPLETED, RunState.CANCELLED, RunState.FAILED, RunState.REJECTED),
        finished);
  }
}
