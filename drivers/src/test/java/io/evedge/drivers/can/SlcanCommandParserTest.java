package io.evedge.drivers.can;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.evedge.drivers.can.SlcanCommand.Close;
import io.evedge.drivers.can.SlcanCommand.Invalid;
import io.evedge.drivers.can.SlcanCommand.ListenOnly;
import io.evedge.drivers.can.SlcanCommand.Open;
import io.evedge.drivers.can.SlcanCommand.SerialNumber;
import io.evedge.drivers.can.SlcanCommand.SetBitTiming;
import io.evedge.drivers.can.SlcanCommand.SetBitrate;
import io.evedge.drivers.can.SlcanCommand.Status;
import io.evedge.drivers.can.SlcanCommand.Timestamps;
import io.evedge.drivers.can.SlcanCommand.Transmit;
import io.evedge.drivers.can.SlcanCommand.Version;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The adapter's side of SLCAN, against the Lawicel CAN232/CANUSB command table ("Sn", "sxxyy",
 * "O", "L", "C", "V", "N", "F", "Zn", "tiiildd..", "Tiiiiiiiildd..", "riiil", "Riiiiiiiil").
 */
class SlcanCommandParserTest {

  private static List<SlcanCommand> parse(String text) {
    List<SlcanCommand> out = new ArrayList<>();
    new SlcanCommandParser(out::add).feed(text.getBytes(StandardCharsets.ISO_8859_1));
    return out;
  }

  @Test
  void everyCommandOfTheTable() {
    assertEquals(List.of(new SetBitrate(SlcanBitrate.BPS_10K), new SetBitrate(SlcanBitrate.BPS_800K),
        new SetBitrate(SlcanBitrate.BPS_1M), new SetBitTiming(0x03, 0x1C), new Open(),
        new ListenOnly(), new Close(), new Version(), new SerialNumber(), new Status(),
        new Timestamps(true), new Timestamps(false)),
        parse("S0\rS7\rS8\rs031C\rO\rL\rC\rV\rN\rF\rZ1\rZ0\r"));
  }

  @Test
  void framesToTransmit() {
    assertEquals(List.of(
        new Transmit(CanFrame.of(0x123, false, (byte) 0x11, (byte) 0x22)),
        new Transmit(CanFrame.of(0x1ABCDEF0, true)),
        new Transmit(CanFrame.remoteRequest(0x7FF, false, 8)),
        new Transmit(CanFrame.remoteRequest(0x1FFFFFFF, true, 2))),
        parse("t12321122\rT1ABCDEF00\rr7FF8\rR1FFFFFFF2\r"));
  }

  @Test
  void encoderOutputParsesBackToTheSameCommands() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CanFrame frame = CanFrame.of(0x18DAF110, true, (byte) 1, (byte) 2, (byte) 3, (byte) 4,
        (byte) 5, (byte) 6, (byte) 7, (byte) 8);
    for (byte[] b : List.of(SlcanEncoder.close(), SlcanEncoder.bitrate(SlcanBitrate.BPS_500K),
        SlcanEncoder.timestamps(true), SlcanEncoder.listenOnly(), SlcanEncoder.open(),
        SlcanEncoder.status(), SlcanEncoder.version(), SlcanEncoder.serialNumber(),
        SlcanEncoder.encode(frame))) {
      out.writeBytes(b);
    }
    List<SlcanCommand> got = new ArrayList<>();
    new SlcanCommandParser(got::add).feed(out.toByteArray());
    assertEquals(List.of(new Close(), new SetBitrate(SlcanBitrate.BPS_500K), new Timestamps(true),
        new ListenOnly(), new Open(), new Status(), new Version(), new SerialNumber(),
        new Transmit(frame)), got);
  }

  @Test
  void invalidLinesAreReportedNotThrown() {
    assertEquals(List.of(new Invalid("S9"), new Invalid("X"), new Invalid("O1"),
        new Invalid("t1239"), new Invalid("t800"), new Invalid("t12311"), new Invalid("t12G0"),
        new Invalid("Z2"), new Invalid("??")),
        parse("S9\rX\rO1\rt1239\rt800\rt12311\rt12G0\rZ2\r\u00ff\u0001\r"));
  }

  @Test
  void overlongLinesAreCutAndTheNextCommandStillParses() {
    String longLine = "T" + "0".repeat(100);
    List<SlcanCommand> got = parse(longLine + "\rO\r");
    assertEquals(2, got.size());
    assertEquals(new Invalid(longLine.substring(0, SlcanCommandParser.MAX_LINE_LENGTH) + "..."),
        got.get(0));
    assertEquals(new Open(), got.get(1));
  }

  @Test
  void emptyLinesAndLineFeedsAreIgnored() {
    assertEquals(List.of(new Open(), new Close()), parse("\r\r\nO\r\n\rC\r"));
  }

  @Test
  void everyChunkBoundaryGivesTheSameCommands() {
    byte[] input = "S6\rZ1\rO\rt12381122334455667788\rxx\rF\rT000000010\rC\r"
        .getBytes(StandardCharsets.US_ASCII);
    List<SlcanCommand> whole = new ArrayList<>();
    new SlcanCommandParser(whole::add).feed(input);
    assertEquals(8, whole.size());
    for (int a = 0; a <= input.length; a++) {
      for (int b = a; b <= input.length; b++) {
        List<SlcanCommand> split = new ArrayList<>();
        SlcanCommandParser p = new SlcanCommandParser(split::add);
        p.feed(input, 0, a);
        p.feed(input, a, b - a);
        p.feed(input, b, input.length - b);
        assertEquals(whole, split, "split at " + a + ", " + b);
      }
    }
  }
}
