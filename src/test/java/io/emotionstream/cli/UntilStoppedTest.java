package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UntilStoppedTest {

  @Test
  void aServiceThatStopsByItselfIsClosedAndItsFailureEndsTheCommand() {
    AtomicInteger closed = new AtomicInteger();
    IllegalStateException failure = new IllegalStateException("global stream thread died");

    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () -> UntilStopped.run("classifier", closed::incrementAndGet, () -> failure));

    assertEquals(1, closed.get(), "closed once, before the command ends");
    assertSame(failure, thrown.getCause());
    assertTrue(
        thrown.getMessage().startsWith("classifier stopped: global stream thread died"),
        thrown.getMessage());
  }

  @Test
  void aServiceClosedFromOutsideEndsTheCommandWithSuccess() throws Exception {
    assertEquals(0, UntilStopped.run("classifier", () -> {}, () -> null));
  }
}
