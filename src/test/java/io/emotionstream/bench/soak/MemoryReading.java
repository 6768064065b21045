package io.emotionstream.bench.soak;

/**
 * One JVM's memory at one moment, in MB.
 *
 * @param rss resident set (VmRSS): everything the process holds in RAM
 * @param rssAnon its anonymous part (heaps, Java's and native), without mapped files such as
 *     libtorch's code
 * @param mallocHeap the resident part of glibc's main arena, where, with the project's allocator
 *     settings, every native allocation lives: libtorch's, RocksDB's and the JVM's own
 * @param heapAfterGc Java heap left by the latest collection; NaN before the first
 * @param nativeCommitted what native memory tracking says the JVM itself committed (heap,
 *     metaspace, code, threads, its own mallocs); NaN without tracking. Libraries' mallocs,
 *     libtorch's and RocksDB's, are not in it: they are the resident set's remainder.
 */
record MemoryReading(
    double rss,
    double rssAnon,
    double mallocHeap,
    double heapUsed,
    double heapAfterGc,
    double heapCommitted,
    double nativeCommitted) {}
