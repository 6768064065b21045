package io.emotionstream.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a long-running command alive until Ctrl-C (or SIGTERM), then closes its service. Kafka's
 * and the HTTP server's threads are not daemons: without the explicit close the JVM would never
 * end.
 */
final class UntilStopped {
  private UntilStopped() {}

  static int run(AutoCloseable service) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    return run(
        "service",
        service,
        () -> {
          stopped.await();
          return null;
        },
        stopped::countDown);
  }

  /**
   * How a service that may stop by itself tells it has: blocks until then; its failure, or null
   * when closed.
   */
  interface Termination {
    Throwable await() throws InterruptedException;
  }

  /**
   * Like {@link #run(AutoCloseable)} for a service that may also stop by itself: then it is closed
   * and its failure thrown, so the command exits non-zero and a supervisor restarts it.
   */
  static int run(String name, AutoCloseable service, Termination termination)
      throws InterruptedException {
    return run(name, service, termination, () -> {});
  }

  private static int run(
      String name, AutoCloseable service, Termination termination, Runnable afterClose)
      throws InterruptedException {
    Thread hook =
        new Thread(
            () -> {
              close(service);
              afterClose.run();
            },
            "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.println("running; Ctrl-C stops");
    Throwable failure = termination.await();
    if (failure == null) {
      return 0;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook closes the service
    }
    close(service);
    throw new IllegalStateException(name + " stopped: " + failure.getMessage(), failure);
  }

  private static void close(AutoCloseable service) {
    try {
      service.close();
    } catch (Exception e) {
      System.err.println("error while stopping: " + e.getMessage());
    }
  }

  /**
   * Runs a task that ends by itself, or soon after {@code stop} when Ctrl-C (or SIGTERM) comes: the
   * JVM waits for the task to finish cleanly (up to half a minute) before it exits. The JVM halts
   * as soon as its shutdown hooks return, so whatever must still happen (a summary printed) belongs
   * in the task.
   */
  static <T> T call(Runnable stop, Callable<T> task) throws Exception {
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.run();
              try {
                finished.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return task.call();
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook is running and has just been released
      }
    }
  }
}
