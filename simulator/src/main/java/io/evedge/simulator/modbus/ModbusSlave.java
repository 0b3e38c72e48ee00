package io.evedge.simulator.modbus;

import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.drivers.modbus.codec.Pdu;
import io.evedge.drivers.modbus.codec.ReadRequest;
import io.evedge.drivers.modbus.codec.RequestParser.Request;
import io.evedge.drivers.modbus.slave.RegisterImage;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The protocol side of the simulator's slave: turns one request into its reply frame (or none),
 * serving a {@link RegisterImage}, and applies the fault in force. Reads (functions 1–4) are served;
 * other functions get exception 0x01 ILLEGAL FUNCTION, a quantity out of range 0x03 ILLEGAL DATA
 * VALUE and an address outside the image 0x02 ILLEGAL DATA ADDRESS (Modbus Application Protocol
 * V1.1b3 §6, §7). Requests for other unit ids are not answered, as on a shared RS-485 bus.
 */
public final class ModbusSlave {

  private final RegisterImage image;
  private final Set<Integer> unitIds;
  private final AtomicLong served = new AtomicLong();
  private volatile SlaveFault fault = SlaveFault.NONE;

  public ModbusSlave(RegisterImage image, Set<Integer> unitIds) {
    this.image = image;
    this.unitIds = Set.copyOf(unitIds);
  }

  /** Injects {@code fault} into every reply until another is set ({@link SlaveFault#NONE} clears). */
  public void inject(SlaveFault fault) {
    this.fault = fault;
  }

  public SlaveFault fault() {
    return fault;
  }

  /** Requests answered (or deliberately not answered) so far. */
  public long served() {
    return served.get();
  }

  /** A reply frame and the delay before it is sent. */
  public record Answer(byte[] frame, long delayMs) {}

  /** The answer to {@code request} in {@code framing}, or null when there is none to send. */
  public Answer answer(Request request, Framing framing) {
    if (!unitIds.contains(request.unitId())) {
      return null;
    }
    served.incrementAndGet();
    SlaveFault f = fault;
    if (f.kind() == SlaveFault.Kind.NO_REPLY) {
      return null;
    }
    byte[] pdu = f.kind() == SlaveFault.Kind.EXCEPTION ? Pdu.exception(request.function(), f.arg()) : serve(request);
    int unit = request.unitId();
    switch (f.kind()) {
      case WRONG_UNIT_ID -> unit = (unit + 1) & 0xFF;
      case WRONG_FUNCTION -> pdu[0] = (byte) otherFunction(pdu[0] & 0xFF);
      case WRONG_BYTE_COUNT -> pdu = wrongByteCount(pdu);
      default -> { }
    }
    byte[] frame = framing.frame(unit, request.transactionId(), pdu);
    switch (f.kind()) {
      case CORRUPT_CRC -> {
        if (framing == Framing.RTU) {
          frame[frame.length - 1] ^= 0x01;
        } else {
          frame[3] = 1;
        }
      }
      case SHORT_FRAME -> frame = Arrays.copyOf(frame, frame.length / 2);
      default -> { }
    }
    return new Answer(frame, f.kind() == SlaveFault.Kind.SLOW ? f.arg() : 0);
  }

  private byte[] serve(Request request) {
    int function = request.function();
    byte[] pdu = request.pdu();
    if (function < 1 || function > 4) {
      return Pdu.exception(function, 0x01);
    }
    if (pdu.length != 5) {
      return Pdu.exception(function, 0x03);
    }
    int address = ((pdu[1] & 0xFF) << 8) | (pdu[2] & 0xFF);
    int count = ((pdu[3] & 0xFF) << 8) | (pdu[4] & 0xFF);
    ReadRequest read;
    try {
      read = new ReadRequest(request.unitId(), function, address, count);
    } catch (IllegalArgumentException e) {
      return Pdu.exception(function, 0x03);
    }
    try {
      return read.bits()
          ? Pdu.bits(function, image.readBits(request.unitId(), function, address, count))
          : Pdu.registers(function, image.readRegisters(request.unitId(), function, address, count));
    } catch (IllegalArgumentException e) {
      return Pdu.exception(function, 0x02);
    }
  }

  private static int otherFunction(int function) {
    return switch (function & 0x7F) {
      case 1 -> 2;
      case 2 -> 1;
      case 3 -> 4;
      default -> 3;
    } | (function & 0x80);
  }

  /** The same reply with one register (or one byte of bits) more or less and a matching byte count. */
  private static byte[] wrongByteCount(byte[] pdu) {
    if ((pdu[0] & 0x80) != 0) {
      return pdu;
    }
    boolean registers = (pdu[0] & 0xFF) >= 3;
    int step = registers ? 2 : 1;
    int byteCount = pdu[1] & 0xFF;
    int wrong = registers && byteCount > 2 ? byteCount - step : byteCount + step;
    byte[] out = Arrays.copyOf(pdu, 2 + wrong);
    out[1] = (byte) wrong;
    return out;
  }
}
