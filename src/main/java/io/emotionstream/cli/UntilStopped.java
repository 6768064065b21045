package io.emotionstream.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Keeps a long-running command alive until Ctrl-C (or SIGTERM), then closes its service. Kafka's and
 * the HTTP server's threads are not daemons: without the explicit close the JVM would never end.
 */
final class UntilStopped {
  private UntilStopped() {}

  static int run(AutoCloseable service) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        service.close();
      } catch (Exception e) {
        System.err.println("error while stopping: " + e.getMessage());
      } finally {
        stopped.countDown();
      }
    }, "shutdown"));
    System.out.println("running; Ctrl-C stops");
    stopped.await();
    return 0;
  }
}
