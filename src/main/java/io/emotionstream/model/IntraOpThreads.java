package io.emotionstream.model;

import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * How many threads libtorch splits one operation over, for the calling thread alone. libtorch keeps
 * the count per thread (an OpenMP setting), but setting it also changes the count that every thread
 * calling into libtorch for the first time afterwards adopts; the trainer, in the same process,
 * would then train on that many threads too. So the process-wide value is put back, from a thread
 * of its own.
 */
public final class IntraOpThreads {
  private IntraOpThreads() {}

  /**
   * Has libtorch's operations called from this thread use {@code threads} threads. Serialised, or
   * two threads doing it at once could read each other's count as the process-wide one and keep it.
   */
  public static void useOnCurrentThread(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (JniUtils.getNumThreads() == threads) {
      return;
    }
    synchronized (IntraOpThreads.class) {
      int processWide = onFreshThread(JniUtils::getNumThreads);
      JniUtils.setNumThreads(threads);
      onFreshThread(
          () -> {
            JniUtils.setNumThreads(processWide);
            return processWide;
          });
    }
  }

  private static int onFreshThread(IntSupplier call) {
    CompletableFuture<Integer> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(call.getAsInt());
              } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
              }
            },
            "libtorch-threads");
    thread.start();
    return result.join();
  }
}
