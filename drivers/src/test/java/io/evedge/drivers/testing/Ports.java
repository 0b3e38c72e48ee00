package io.evedge.drivers.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** TCP ports for tests that must name a port before something listens on it. */
public final class Ports {

  private Ports() {}

  /**
   * A TCP port free on loopback now: for a server that takes a port number (Mosquitto, a j2mod
   * slave, a simulator started as a process) or for a port that nothing listens on.
   */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
