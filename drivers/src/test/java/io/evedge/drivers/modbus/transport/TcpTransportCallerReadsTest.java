package io.evedge.drivers.modbus.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A Modbus TCP connection whose polling thread reads the replies itself, over real loopback sockets. */
class TcpTransportCallerReadsTest {

  private static final long SHORT = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long LONG = TimeUnit.SECONDS.toNanos(5);

  @Test
  void bytesReachTheReceiverOnTheCallingThreadAndSilenceIsATimeout() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      TcpTransport t = TcpTransport.clientCallerReads("127.0.0.1", server.getLocalPort(), 1000);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      Thread[] on = new Thread[1];
      t.connect(new ByteTransport.Receiver() {
        @Override
        public void onBytes(byte[] b, int off, int len) {
          on[0] = Thread.currentThread();
          got.write(b, off, len);
        }

        @Override
        public void onClosed(IOException cause) {
          throw new AssertionError("a caller-read link reports a loss by throwing from receive");
        }
      });
      try (Socket device = server.accept()) {
        assertTrue(t.callerReads());
        assertFalse(t.receive(SHORT), "nothing sent: a timeout");
        device.getOutputStream().write(new byte[] {1, 2, 3});
        assertTrue(t.receive(LONG));
        assertArrayEquals(new byte[] {1, 2, 3}, got.toByteArray());
        assertTrue(on[0] == Thread.currentThread(), "delivered on the caller's thread");
      }
      // the device closed its end: the next receive says so and the link is closed
      IOException lost = assertThrows(IOException.class, () -> t.receive(LONG));
      assertTrue(lost.getMessage().contains("closed") || lost.getMessage().contains("reset"), lost.getMessage());
      assertFalse(t.isConnected());
      assertThrows(IOException.class, () -> t.receive(SHORT), "not connected");
    }
  }

  @Test
  void aReaderThreadTransportRefusesCallerReads() {
    TcpTransport t = TcpTransport.client("tcp", "127.0.0.1", 1, 100, "test");
    assertFalse(t.callerReads());
    assertThrows(UnsupportedOperationException.class, () -> t.receive(SHORT));
  }
}
