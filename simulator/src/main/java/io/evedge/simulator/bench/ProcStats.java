package io.evedge.simulator.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** CPU time and memory of a process, from Linux's /proc. */
final class ProcStats {

  /** Kernel clock ticks per second (getconf CLK_TCK), 100 on Linux. */
  static final double TICKS_PER_SECOND = 100;

  private ProcStats() {}

  /** User plus system CPU time of {@code pid} in seconds. */
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // fields after the command name (which may contain spaces) start at the last ')'
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long utime = Long.parseLong(f[11]);
    long stime = Long.parseLong(f[12]);
    return (utime + stime) / TICKS_PER_SECOND;
  }

  /**
   * CPU ticks of each thread of {@code pid}, summed by thread name with trailing digits dropped
   * ({@code evedge-modbus-m1}, {@code evedge-modbus-m2} count as one).
   */
  static Map<String, Long> threadTicks(long pid) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended meanwhile
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+$", "");
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        out.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
      }
    }
    return out;
  }

  /** The {@code n} threads that used most CPU between two {@link #threadTicks} samples, as "name x.xx %". */
  static String topThreads(Map<String, Long> before, Map<String, Long> after, double seconds, int n) {
    return after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(n)
        .map(e -> String.format("%s %.2f %%", e.getKey(), e.getValue() / TICKS_PER_SECOND / seconds * 100))
        .collect(Collectors.joining(", "));
  }

  /** A line of /proc/pid/status in kB (VmRSS, VmHWM), or -1. */
  static long statusKb(long pid, String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(key + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
