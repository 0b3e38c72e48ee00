package io.evedge.drivers.can.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.testing.Ports;
import io.evedge.drivers.testing.SocatPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both transports for real: TCP against a loopback server socket, serial through jSerialComm on a
 * socat pseudo-terminal pair (the cable), including the other end vanishing.
 */
class TransportTest {

  /** Collects what a transport delivers. */
  static final class Inbox implements SlcanTransport.Receiver {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final BlockingQueue<IOException> lost = new LinkedBlockingQueue<>();

    @Override
    public synchronized void onBytes(byte[] buf, int len) {
      bytes.write(buf, 0, len);
      notifyAll();
    }

    @Override
    public void onLost(IOException cause) {
      lost.add(cause);
    }

    synchronized String awaitText(String text) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!bytes.toString(StandardCharsets.US_ASCII).contains(text)) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("never received " + text + "; got " + bytes);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return bytes.toString(StandardCharsets.US_ASCII);
    }

    IOException awaitLost() throws InterruptedException {
      IOException e = lost.poll(10, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError("the loss was not reported");
      }
      return e;
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\r') {
      b.append((char) c);
    }
    return b.toString();
  }

  @Test
  void tcpBothWaysThenThePeerClosing() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      TcpSlcanTransport t = new TcpSlcanTransport("test-tcp", "127.0.0.1", server.getLocalPort(), 2000);
      Inbox inbox = new Inbox();
      t.receive(inbox);
      t.connect();
      assertTrue(t.isConnected());
      try (Socket peer = server.accept()) {
        t.send("S6\r".getBytes(StandardCharsets.US_ASCII));
        assertEquals("S6", readLine(peer.getInputStream()));
        peer.getOutputStream().write("t1230\r".getBytes(StandardCharsets.US_ASCII));
        inbox.awaitText("t1230\r");
      }
      IOException lost = inbox.awaitLost();
      assertTrue(lost.getMessage().startsWith("tcp://127.0.0.1:"), lost.getMessage());
      assertFalse(t.isConnected());
      assertThrows(IOException.class, () -> t.send(new byte[] {'F', '\r'}));

      // a new connection after the loss
      t.connect();
      try (Socket peer = server.accept()) {
        t.disconnect();
        assertEquals(-1, peer.getInputStream().read(), "our side closed");
      }
      assertNull(inbox.lost.poll(200, TimeUnit.MILLISECONDS), "no loss after disconnect()");
    }
  }

  @Test
  void tcpRefusedNamesTheEndpoint() throws Exception {
    int port = Ports.freePort();
    TcpSlcanTransport t = new TcpSlcanTransport("test-tcp", "127.0.0.1", port, 2000);
    t.receive(new Inbox());
    IOException e = assertThrows(IOException.class, t::connect);
    assertTrue(e.getMessage().startsWith("tcp://127.0.0.1:" + port + ": cannot connect"),
        e.getMessage());
  }

  @Test
  void serialOverAPseudoTerminalPairAndTheCableVanishing(@TempDir Path dir) throws Exception {
    try (SocatPair pty = SocatPair.start(dir)) {
      SerialSlcanTransport host = new SerialSlcanTransport("test-host", pty.a(), 115200);
      SerialSlcanTransport adapter = new SerialSlcanTransport("test-adapter", pty.b(), 115200);
      Inbox atHost = new Inbox();
      Inbox atAdapter = new Inbox();
      host.receive(atHost);
      adapter.receive(atAdapter);
      host.connect();
      adapter.connect();

      host.send("C\rS6\rO\r".getBytes(StandardCharsets.US_ASCII));
      atAdapter.awaitText("C\rS6\rO\r");
      adapter.send("\r\r\rt25D81534402000000000\r".getBytes(StandardCharsets.US_ASCII));
      atHost.awaitText("t25D81534402000000000\r");

      pty.unplug();
      IOException lost = atHost.awaitLost();
      assertTrue(lost.getMessage().startsWith("serial://" + pty.a()), lost.getMessage());
      IOException gone = assertThrows(IOException.class, host::connect);
      assertEquals("serial://" + pty.a() + ": no such device (adapter unplugged?)", gone.getMessage());

      // plugged back in: the same path opens again
      pty.plugIn();
      host.connect();
      assertTrue(host.isConnected());
      host.disconnect();
      adapter.disconnect();
    }
  }
}
