package io.evedge.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class TcpConnectionsTest {

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @Test
  void aConnectionToItselfIsRefusedNotUsed() throws Exception {
    int port = freePort();
    // what the kernel does when a connect to a closed port picks that port as its own
    boolean selfConnects;
    try (Socket raw = new Socket()) {
      raw.setReuseAddress(true);
      raw.bind(new InetSocketAddress("127.0.0.1", port));
      raw.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      selfConnects = raw.getLocalPort() == raw.getPort();
    } catch (IOException e) {
      selfConnects = false;
    }
    assumeTrue(selfConnects, "this system does not connect a socket to itself");

    ConnectException e = assertThrows(ConnectException.class,
        () -> TcpConnections.open("127.0.0.1", port, 1000, port));
    assertTrue(e.getMessage().contains("connected to itself: nothing listens on 127.0.0.1:" + port), e.getMessage());
  }

  @Test
  void connectsToAListeningPortWithNoDelay() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
        Socket s = TcpConnections.open("127.0.0.1", server.getLocalPort(), 1000)) {
      assertEquals(server.getLocalPort(), s.getPort());
      assertTrue(s.getTcpNoDelay());
    }
  }
}
