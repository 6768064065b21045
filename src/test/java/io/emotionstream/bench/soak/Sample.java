package io.emotionstream.bench.soak;

import java.util.Locale;

/**
 * One service's memory at one moment of the soak, with how far the pipeline had got by then.
 *
 * @param seconds since the frames started
 * @param trainerBatches mini-batches the trainer had trained (its metrics endpoint); -1 if it did
 *     not answer
 * @param framesClassified frames the classifier had classified; -1 if it did not answer
 */
record Sample(
    double seconds,
    String service,
    long pid,
    MemoryReading memory,
    long trainerBatches,
    long framesClassified) {

  static final String CSV_HEADER =
      "seconds,service,pid,rss_mb,rss_anon_mb,malloc_heap_mb,heap_used_mb,"
          + "heap_after_gc_mb,heap_committed_mb,nmt_committed_mb,trainer_batches,frames_classified";

  String csvLine() {
    return String.format(
        Locale.ROOT,
        "%.1f,%s,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%d",
        seconds,
        service,
        pid,
        memory.rss(),
        memory.rssAnon(),
        memory.mallocHeap(),
        memory.heapUsed(),
        memory.heapAfterGc(),
        memory.heapCommitted(),
        memory.nativeCommitted(),
        trainerBatches,
        framesClassified);
  }

  String line() {
    String nativeMemory =
        Double.isNaN(memory.nativeCommitted())
            ? ""
            : String.format(Locale.ROOT, "  NMT %7.1f", memory.nativeCommitted());
    return String.format(
        Locale.ROOT,
        "%6.0f s  %-10s RSS %7.1f MB (anon %7.1f, malloc %7.1f)  heap %6.1f MB, "
            + "after GC %6.1f, committed %6.1f%s  | batches %,d, frames classified %,d",
        seconds,
        service,
        memory.rss(),
        memory.rssAnon(),
        memory.mallocHeap(),
        memory.heapUsed(),
        memory.heapAfterGc(),
        memory.heapCommitted(),
        nativeMemory,
        trainerBatches,
        framesClassified);
  }
}
