package io.evedge.simulator.bench;

import io.evedge.drivers.modbus.FramedModbusClient;
import io.evedge.drivers.modbus.ModbusClient;
import io.evedge.drivers.modbus.ModbusStats;
import io.evedge.drivers.modbus.PointDecoder;
import io.evedge.drivers.modbus.Profiles;
import io.evedge.drivers.modbus.ReadBlock;
import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.drivers.modbus.codec.ReadRequest;
import io.evedge.drivers.modbus.transport.SerialSettings;
import io.evedge.drivers.modbus.transport.SerialTransport;
import io.evedge.drivers.modbus.transport.TcpTransport;
import io.evedge.drivers.testing.SocatPair;
import io.evedge.proto.DeviceProfile;
import io.evedge.proto.Parity;
import io.evedge.simulator.modbus.ModbusSlave;
import io.evedge.simulator.modbus.ModbusSlaveServer;
import io.evedge.simulator.modbus.ProfileImage;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Modbus benchmark harness (not a test): what the agent's Modbus client costs per transaction.
 *
 * <ol>
 *   <li>Modbus TCP on loopback against the simulator's slave serving the SDM630: p50/p99 of a
 *       2-register read and of the full SDM630 poll (2 transactions, 14 points decoded), next to a
 *       minimal blocking-socket client (write the request, read the known reply length, no parsing)
 *       against the same slave; the difference is the time our client adds.
 *   <li>Modbus RTU at 9600 baud through a socat pseudo-terminal pair, the slave delaying each reply
 *       by the time the request and reply take on a real line ({@code --line-timing}), for the full
 *       SDM630 set and for a 2-register read, against the wire limit.
 * </ol>
 *
 * <p>Run: see docs/modbus.md ("Benchmark").
 */
public final class ModbusBench {

  private static final Map<String, Object> VALUES = Map.ofEntries(
      Map.entry("voltage_l1", 230.4), Map.entry("voltage_l2", 231.2), Map.entry("voltage_l3", 229.8),
      Map.entry("current_l1", 15.87), Map.entry("current_l2", 16.02), Map.entry("current_l3", 15.5),
      Map.entry("power_l1", 3650.5), Map.entry("power_l2", 3700.25), Map.entry("power_l3", 3562.75),
      Map.entry("power_total", 10913.5), Map.entry("frequency", 49.98),
      Map.entry("energy_import", 12345.67), Map.entry("energy_export", 3.21));

  private ModbusBench() {}

  public static void main(String[] args) throws Exception {
    int tcpN = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rtuN = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    DeviceProfile sdm630 = Profiles.load("eastron-sdm630");
    List<ReadBlock> plan = Profiles.plan(sdm630);
    System.out.printf("java %s on %s %s, %d cores%n", System.getProperty("java.version"),
        System.getProperty("os.name"), System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors());
    tcp(sdm630, plan, tcpN);
    rtu(sdm630, plan, rtuN, Parity.PARITY_NONE, 1);
    rtu(sdm630, plan, rtuN, Parity.PARITY_EVEN, 1);
  }

  private static ModbusSlave slave(DeviceProfile p) {
    return new ModbusSlave(new ProfileImage(p, () -> VALUES), Set.of(1));
  }

  private static void tcp(DeviceProfile p, List<ReadBlock> plan, int n) throws Exception {
    try (ModbusSlaveServer server = ModbusSlaveServer.tcp("127.0.0.1", 0, Framing.TCP, slave(p));
        ModbusClient client = new FramedModbusClient(
            TcpTransport.client("tcp", "127.0.0.1", server.port(), 500, "bench-rx"), Framing.TCP,
            new FramedModbusClient.Options(Duration.ofMillis(500), 1, Duration.ZERO, false), new ModbusStats(),
            System::nanoTime)) {
      long[] ours = new long[n];
      long[] poll = new long[n];
      long[] bare = new long[n];
      for (int round = 0; round < 2; round++) {
        // round 0 warms up
        for (int i = 0; i < n; i++) {
          long t0 = System.nanoTime();
          client.readRegisters(1, 4, 0x0048, 2);
          ours[i] = System.nanoTime() - t0;
        }
        for (int i = 0; i < n; i++) {
          long t0 = System.nanoTime();
          pollOnce(client, plan);
          poll[i] = System.nanoTime() - t0;
        }
        bareClient(server.port(), bare);
      }
      System.out.println();
      System.out.println("Modbus TCP, loopback, simulator slave, " + n + " transactions each:");
      report("  our client, 2 registers", ours);
      report("  minimal blocking client, 2 registers", bare);
      report(String.format("  our client, full SDM630 poll (%s, %d points decoded)", reads(plan),
          plan.stream().mapToInt(b -> b.points().size()).sum()), poll);
      System.out.printf("  added by our client: p50 %.1f us, p99 %.1f us%n",
          (pct(ours, 50) - pct(bare, 50)) / 1e3, (pct(ours, 99) - pct(bare, 99)) / 1e3);
    }
  }

  private static void pollOnce(ModbusClient client, List<ReadBlock> plan) throws Exception {
    for (ReadBlock b : plan) {
      int[] words = client.readRegisters(1, b.function(), b.address(), b.count());
      for (var pt : b.points()) {
        PointDecoder.decode(pt, words, pt.address() - b.address());
      }
    }
  }

  /** Writes the request and reads the reply's known length on the calling thread; no checks at all. */
  private static void bareClient(int port, long[] out) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setTcpNoDelay(true);
      OutputStream o = s.getOutputStream();
      InputStream in = s.getInputStream();
      byte[] reply = new byte[7 + 2 + 4];
      for (int i = 0; i < out.length; i++) {
        byte[] req = Framing.TCP.frame(1, i & 0xFFFF, new ReadRequest(1, 4, 0x0048, 2).pdu());
        long t0 = System.nanoTime();
        o.write(req);
        int got = 0;
        while (got < reply.length) {
          got += in.read(reply, got, reply.length - got);
        }
        out[i] = System.nanoTime() - t0;
      }
    }
  }

  private static void rtu(DeviceProfile p, List<ReadBlock> plan, int n, Parity parity, int stopBits) throws Exception {
    Path dir = Files.createTempDirectory("evedge-bench");
    try (SocatPair pair = SocatPair.start(dir)) {
      SerialSettings line = new SerialSettings(pair.b(), 9600, 8, parity, stopBits, false);
      SerialSettings agent = new SerialSettings(pair.a(), 9600, 8, parity, stopBits, false);
      try (ModbusSlaveServer server = ModbusSlaveServer.serial(line, slave(p));
          ModbusClient client = new FramedModbusClient(new SerialTransport(agent, "bench-rx"), Framing.RTU,
              new FramedModbusClient.Options(Duration.ofMillis(500), 1, Duration.ZERO, false), new ModbusStats(),
              System::nanoTime)) {
        server.emulateLine(line);
        long[] polls = new long[n];
        long[] small = new long[n];
        for (int round = 0; round < 2; round++) {
          for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            pollOnce(client, plan);
            polls[i] = System.nanoTime() - t0;
          }
          for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            client.readRegisters(1, 4, 0x0048, 2);
            small[i] = System.nanoTime() - t0;
          }
        }
        double ch = line.characterNanos() / 1e6;
        double gap = line.interFrameNanos() / 1e6;
        double pollLimit = 0;
        for (ReadBlock b : plan) {
          pollLimit += wire(b.count(), ch, gap);
        }
        double smallLimit = wire(2, ch, gap);
        System.out.println();
        System.out.printf("Modbus RTU %s through a pty pair with line timing, %d polls / reads:%n",
            line.frameFormat(), n);
        System.out.printf("  character %.3f ms, 3.5 characters %.3f ms%n", ch, gap);
        report(String.format("  full SDM630 poll (%s), wire limit %.1f ms", reads(plan), pollLimit), polls);
        report(String.format("  2-register read, wire limit %.1f ms", smallLimit), small);
        System.out.printf("  above the wire limit: poll p50 %.2f ms p99 %.2f ms; 2 registers p50 %.2f ms p99 %.2f ms%n",
            pct(polls, 50) / 1e6 - pollLimit, pct(polls, 99) / 1e6 - pollLimit,
            pct(small, 50) / 1e6 - smallLimit, pct(small, 99) / 1e6 - smallLimit);
      }
    } finally {
      Files.deleteIfExists(dir);
    }
  }

  /**
   * Line time of one read of {@code registers} registers: 3.5 characters of silence before the
   * request, the 8-byte request, 3.5 characters of turnaround, the reply (5 + 2 × registers bytes).
   */
  private static double wire(int registers, double ch, double gap) {
    return gap + 8 * ch + gap + (5 + 2 * registers) * ch;
  }

  private static long pct(long[] sorted, double p) {
    long[] s = sorted.clone();
    Arrays.sort(s);
    return s[(int) Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)];
  }

  private static String reads(List<ReadBlock> plan) {
    return plan.size() == 1 ? "1 read" : plan.size() + " reads";
  }

  private static void report(String what, long[] nanos) {
    System.out.printf("%s: p50 %s, p99 %s, max %s%n", what, fmt(pct(nanos, 50)), fmt(pct(nanos, 99)),
        fmt(pct(nanos, 100)));
  }

  private static String fmt(long nanos) {
    return nanos >= 1_000_000 ? String.format("%.2f ms", nanos / 1e6) : String.format("%.1f us", nanos / 1e3);
  }
}
