package io.evedge.drivers.modbus.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.testing.SocatPair;
import io.evedge.proto.Parity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jSerialComm for real, on a socat pseudo-terminal pair: bytes both ways, unplug and plug back. */
class SerialTransportIT {

  @TempDir
  java.nio.file.Path dir;

  /** Collects what arrives and notes when the link breaks. */
  private static final class Collector implements ByteTransport.Receiver {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public synchronized void onBytes(byte[] b, int off, int len) {
      bytes.write(b, off, len);
      notifyAll();
    }

    synchronized String await(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (bytes.size() < n) {
        long left = deadline - System.nanoTime();
        assertTrue(left > 0, "only " + bytes.size() + " of " + n + " bytes arrived");
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      String s = bytes.toString(StandardCharsets.US_ASCII);
      bytes.reset();
      return s;
    }

    @Override
    public void onClosed(IOException cause) {
      closed.countDown();
    }
  }

  private static SerialSettings settings(String port) {
    return new SerialSettings(port, 9600, 8, Parity.PARITY_NONE, 1, false);
  }

  @Test
  void bytesBothWaysThenUnplugAndPlugBack() throws Exception {
    try (SocatPair pair = SocatPair.start(dir)) {
      SerialTransport master = new SerialTransport(settings(pair.a()), "test-a");
      SerialTransport device = new SerialTransport(settings(pair.b()), "test-b");
      Collector atMaster = new Collector();
      Collector atDevice = new Collector();
      master.connect(atMaster);
      device.connect(atDevice);
      master.send("request".getBytes(StandardCharsets.US_ASCII));
      assertEquals("request", atDevice.await(7));
      device.send("reply".getBytes(StandardCharsets.US_ASCII));
      assertEquals("reply", atMaster.await(5));
      assertEquals("rtu://" + pair.a() + " 9600 8N1", master.endpoint());

      pair.unplug();
      assertTrue(atMaster.closed.await(5, TimeUnit.SECONDS), "the master side notices the port is gone");
      assertTrue(!master.isConnected());
      IOException e = assertThrows(IOException.class, () -> master.connect(new Collector()));
      assertTrue(e.getMessage().contains("cannot open serial port " + pair.a()), e.getMessage());
      device.disconnect();

      pair.plugIn();
      Collector again = new Collector();
      Collector deviceAgain = new Collector();
      master.connect(again);
      device.connect(deviceAgain);
      master.send("hello".getBytes(StandardCharsets.US_ASCII));
      assertEquals("hello", deviceAgain.await(5));
      master.disconnect();
      device.disconnect();
    }
  }

  @Test
  void characterTimesAtTheUsualSettings() {
    assertEquals(1_041_666, settings("x").characterNanos(), "9600 8N1: 10 bits");
    assertEquals(3_645_831, settings("x").interFrameNanos(), "3.5 characters");
    SerialSettings fast = new SerialSettings("x", 115200, 8, Parity.PARITY_EVEN, 1, false);
    assertEquals(1_750_000, fast.interFrameNanos(), "fixed 1.75 ms above 19200 baud");
    assertEquals("115200 8E1", fast.frameFormat());
  }
}
