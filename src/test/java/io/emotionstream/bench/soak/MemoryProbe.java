package io.emotionstream.bench.soak;

import com.sun.management.GcInfo;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Reads one JVM's memory from outside: its resident set from /proc, its heap over JMX (attached the
 * way jcmd attaches, once, so a sample spawns no process), and the JVM's own native memory when it
 * runs with native memory tracking.
 */
final class MemoryProbe implements AutoCloseable {
  private static final double MB = 1024 * 1024;
  private static final Pattern STATUS_KB = Pattern.compile("(?m)^(\\w+):\\s+(\\d+) kB$");
  private static final Pattern SMAPS_KB = Pattern.compile("^(\\w+):\\s+(\\d+) kB$");
  private static final Pattern NMT_TOTAL =
      Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB");

  private final long pid;
  private final JMXConnector connector;
  private final MBeanServerConnection server;
  private final MemoryMXBean memory;
  private final List<com.sun.management.GarbageCollectorMXBean> collectors;
  private final Set<String> heapPools;

  private MemoryProbe(long pid, JMXConnector connector) throws IOException {
    this.pid = pid;
    this.connector = connector;
    this.server = connector.getMBeanServerConnection();
    this.memory = ManagementFactory.getPlatformMXBean(server, MemoryMXBean.class);
    this.collectors =
        ManagementFactory.getPlatformMXBeans(
            server, com.sun.management.GarbageCollectorMXBean.class);
    this.heapPools =
        ManagementFactory.getPlatformMXBeans(server, MemoryPoolMXBean.class).stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
  }

  /** Attaches to a running JVM of this user; fails while that JVM is still starting. */
  static MemoryProbe attach(long pid) throws IOException {
    String address;
    try {
      VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
      try {
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
    } catch (AttachNotSupportedException e) {
      throw new IOException("cannot attach to JVM " + pid + ": " + e.getMessage(), e);
    }
    return new MemoryProbe(pid, JMXConnectorFactory.connect(new JMXServiceURL(address)));
  }

  MemoryReading read(boolean nativeTracking) throws IOException {
    Map<String, Long> status =
        Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
            .map(STATUS_KB::matcher)
            .filter(Matcher::matches)
            .collect(Collectors.toMap(m -> m.group(1), m -> Long.parseLong(m.group(2))));
    MemoryUsage heap = memory.getHeapMemoryUsage();
    return new MemoryReading(
        status.getOrDefault("VmRSS", 0L) / 1024.0,
        status.getOrDefault("RssAnon", 0L) / 1024.0,
        mallocHeapKb() / 1024.0,
        heap.getUsed() / MB,
        heapAfterLastCollection() / MB,
        heap.getCommitted() / MB,
        nativeTracking ? nativeCommittedMb() : Double.NaN);
  }

  /**
   * The resident part of the process's {@code [heap]} mapping, glibc's main arena. With the
   * project's allocator settings (one arena, mmap threshold 4 GB) every malloc of the process is
   * served from it — libtorch's tensors, RocksDB's, the JVM's own — while the Java heap is a
   * mapping of its own.
   */
  private long mallocHeapKb() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps"));
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).endsWith("[heap]")) {
        for (int j = i + 1; j < lines.size(); j++) {
          Matcher field = SMAPS_KB.matcher(lines.get(j));
          if (field.matches() && field.group(1).equals("Rss")) {
            return Long.parseLong(field.group(2));
          }
        }
      }
    }
    return 0;
  }

  /**
   * The heap as the latest collection left it, young or full: unlike the heap in use, which saws up
   * and down with every collection, it only grows when objects outlive collections.
   */
  private double heapAfterLastCollection() {
    GcInfo latest = null;
    for (com.sun.management.GarbageCollectorMXBean collector : collectors) {
      GcInfo info = collector.getLastGcInfo();
      if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
        latest = info;
      }
    }
    if (latest == null) {
      return Double.NaN;
    }
    return latest.getMemoryUsageAfterGc().entrySet().stream()
        .filter(pool -> heapPools.contains(pool.getKey()))
        .mapToLong(pool -> pool.getValue().getUsed())
        .sum();
  }

  private double nativeCommittedMb() throws IOException {
    Matcher total = NMT_TOTAL.matcher(nativeMemory("summary"));
    return total.find() ? Long.parseLong(total.group(1)) / 1024.0 : Double.NaN;
  }

  /**
   * The Java heap still in use after a full collection, asked of the JVM: what it holds alive,
   * garbage not yet collected left out. Taken once, at the end, as the full collection also shrinks
   * the heap.
   */
  double liveHeapMb() {
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed() / MB;
  }

  /**
   * jcmd's {@code VM.native_memory} with the given arguments, such as {@code baseline} or {@code
   * summary.diff}.
   */
  String nativeMemory(String... arguments) throws IOException {
    try {
      return (String)
          server.invoke(
              new ObjectName("com.sun.management:type=DiagnosticCommand"),
              "vmNativeMemory",
              new Object[] {arguments},
              new String[] {String[].class.getName()});
    } catch (JMException e) {
      throw new IOException("VM.native_memory of JVM " + pid + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      connector.close();
    } catch (IOException e) {
      // the JVM has ended, which closed the connection from its side
    }
  }
}
