package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class IntraOpThreadsTest {

  @Test
  void setsTheCallingThreadsCountAndLeavesTheOneOtherThreadsAdoptAsItWas() {
    Engine.getEngine("PyTorch");
    int processWide = onNewThread(JniUtils::getNumThreads);
    int wanted = processWide + 1; // differs from the process-wide count on any machine

    int seen =
        onNewThread(
            () -> {
              IntraOpThreads.useOnCurrentThread(wanted);
              return JniUtils.getNumThreads();
            });

    assertEquals(wanted, seen);
    assertEquals(
        processWide,
        onNewThread(JniUtils::getNumThreads),
        "a thread calling libtorch for the first time afterwards (a trainer's) keeps the process-wide count");
  }

  private static int onNewThread(java.util.function.IntSupplier call) {
    CompletableFuture<Integer> result = new CompletableFuture<>();
    new Thread(
            () -> {
              try {
                result.complete(call.getAsInt());
              } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
              }
            })
        .start();
    return result.join();
  }
}
