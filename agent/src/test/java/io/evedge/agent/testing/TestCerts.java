package io.evedge.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by the test with the {@code openssl} command: a CA, a server certificate for
 * 127.0.0.1/localhost, one naming another host, a client certificate (EC key in SEC1 form), a second
 * CA nobody trusts, and an RSA key in PKCS#1 form; all world-readable so a broker that drops root
 * can read them. Files: ca.pem, server.pem/.key, wrong-name.pem/.key, client.pem/.key, other-ca.pem,
 * rsa-pkcs1.key.
 */
public final class TestCerts {

  private TestCerts() {}

  /** Makes the files in a new temporary directory and returns it. */
  public static Path generate() {
    try {
      Path d = Files.createTempDirectory("evedge-certs-");
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
      openssl(d, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
          "-subj", "/CN=evedge test CA");
      openssl(d, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.pem",
          "-days", "2", "-subj", "/CN=someone else's CA");
      server(d, "server", "subjectAltName=IP:127.0.0.1,DNS:localhost");
      server(d, "wrong-name", "subjectAltName=DNS:wrong.example");
      openssl(d, "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "client.key");
      openssl(d, "req", "-new", "-key", "client.key", "-out", "client.csr", "-subj", "/CN=cp-tls");
      Files.writeString(d.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
      openssl(d, "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
          "-out", "client.pem", "-days", "2", "-extfile", "client.ext");
      openssl(d, "genrsa", "-traditional", "-out", "rsa-pkcs1.key", "2048");
      try (var files = Files.list(d)) {
        for (Path f : files.toList()) {
          Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
      return d;
    } catch (IOException e) {
      throw new IllegalStateException("cannot make test certificates: " + e.getMessage(), e);
    }
  }

  private static void server(Path d, String name, String san) throws IOException {
    openssl(d, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
        "-subj", "/CN=" + name);
    Files.writeString(d.resolve(name + ".ext"), san + "\nextendedKeyUsage=serverAuth\n");
    openssl(d, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
  }

  private static void openssl(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
