package io.emotionstream.data;

import io.emotionstream.avro.Emotion;
import io.emotionstream.avro.Usage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Measures how fast {@link Fer2013Reader} parses a FER2013-sized CSV of random faces. A main, not a
 * test: timings depend on the machine and are reported, never asserted. Usage: Fer2013ReadBench
 * [rows] [passes].
 */
public final class Fer2013ReadBench {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws IOException {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 30_000;
    int passes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path csv = Files.createTempFile("fer2013-bench", ".csv");
    try {
      Random random = new Random(1);
      byte[] pixels = new byte[FaceSet.PIXELS];
      try (Fer2013Writer writer = Fer2013Writer.create(csv, true)) {
        for (int i = 0; i < rows; i++) {
          random.nextBytes(pixels);
          writer.write(Emotion.values()[i % 7], pixels, Usage.values()[i % 3]);
        }
      }
      System.out.printf("%,d rows, %,d bytes%n", rows, Files.size(csv));
      for (int pass = 0; pass < passes; pass++) {
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long valid = 0;
        try (Fer2013Reader reader = Fer2013Reader.open(csv, SplitRule.seedRule())) {
          while (reader.hasNext()) {
            if (reader.next() instanceof Fer2013Row) {
              valid++;
            }
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        // CPU time as well as wall time: on a shared machine the wall clock measures the
        // neighbours.
        System.out.printf(
            "pass %d: %,d valid rows in %.3f s wall (%,.0f rows/s), %.3f s CPU (%,.0f rows/s)%n",
            pass + 1, valid, seconds, valid / seconds, cpuSeconds, valid / cpuSeconds);
      }
    } finally {
      Files.deleteIfExists(csv);
    }
  }
}
