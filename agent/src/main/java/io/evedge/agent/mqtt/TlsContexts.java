package io.evedge.agent.mqtt;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the TLS socket factory of the broker connection from PEM files, the way Mosquitto and
 * OpenSSL keep them, without a Java key store: the CA certificate(s) the broker's certificate must
 * chain to, and for mutual TLS the client certificate (with its chain) and private key. Keys may be
 * PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC
 * ({@code BEGIN EC PRIVATE KEY}), unencrypted.
 */
public final class TlsContexts {

  /** A TLS file that cannot be used, with the file and what is wrong. */
  public static final class TlsConfigException extends Exception {
    TlsConfigException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

  private TlsContexts() {}

  /**
   * A socket factory trusting {@code caFile} (or the JVM's trust store when null) and presenting
   * {@code certFile} with {@code keyFile} when both are given.
   */
  public static SSLSocketFactory socketFactory(Path caFile, Path certFile, Path keyFile) throws TlsConfigException {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (caFile != null) {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        List<Certificate> cas = certificates(caFile, "ca_file");
        for (int i = 0; i < cas.size(); i++) {
          trust.setCertificateEntry("ca-" + i, cas.get(i));
        }
        tmf.init(trust);
      } else {
        tmf.init((KeyStore) null);
      }
      KeyManagerFactory kmf = null;
      if (certFile != null && keyFile != null) {
        List<Certificate> chain = certificates(certFile, "cert_file");
        PrivateKey key = privateKey(keyFile);
        char[] none = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", key, none, chain.toArray(new Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, none);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsConfigException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** The certificates of a PEM file (one or a chain). */
  public static List<Certificate> certificates(Path file, String what) throws TlsConfigException {
    byte[] bytes = read(file, what);
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new TlsConfigException(what + " " + file + ": no certificate in it (expected PEM "
            + "-----BEGIN CERTIFICATE-----)", null);
      }
      return new ArrayList<>(certs);
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsConfigException(what + " " + file + ": not a PEM certificate (" + e.getMessage() + ")", e);
    }
  }

  /** The private key of a PEM file. */
  public static PrivateKey privateKey(Path file) throws TlsConfigException {
    String text = new String(read(file, "key_file"), StandardCharsets.US_ASCII);
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      try {
        switch (type) {
          case "PRIVATE KEY" -> {
            return pkcs8(der, file);
          }
          case "RSA PRIVATE KEY" -> {
            // PrivateKeyInfo { version 0, AlgorithmIdentifier { rsaEncryption, NULL }, OCTET STRING pkcs1 }
            byte[] algorithm = seq(concat(oid(new int[] {1, 2, 840, 113549, 1, 1, 1}), new byte[] {0x05, 0x00}));
            return pkcs8(seq(concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, der))), file);
          }
          case "EC PRIVATE KEY" -> {
            byte[] curve = ecCurveOid(der);
            if (curve == null) {
              throw new TlsConfigException("key_file " + file + ": the EC key does not name its curve", null);
            }
            byte[] algorithm = seq(concat(oid(new int[] {1, 2, 840, 10045, 2, 1}), curve));
            return pkcs8(seq(concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, der))), file);
          }
          case "ENCRYPTED PRIVATE KEY" -> throw new TlsConfigException("key_file " + file
              + ": the key is encrypted; store it unencrypted and readable only by the agent "
              + "(openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem)", null);
          default -> {
            // a certificate or parameters block before the key: skip it
          }
        }
      } catch (IllegalArgumentException e) {
        throw new TlsConfigException("key_file " + file + ": malformed " + type + " (" + e.getMessage() + ")", e);
      }
    }
    throw new TlsConfigException("key_file " + file + ": no private key in it (expected PEM -----BEGIN PRIVATE KEY-----,"
        + " -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)", null);
  }

  private static PrivateKey pkcs8(byte[] der, Path file) throws TlsConfigException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new TlsConfigException("key_file " + file + ": not an RSA, EC or EdDSA private key", null);
  }

  private static byte[] read(Path file, String what) throws TlsConfigException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TlsConfigException(what + " " + file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  // ---- just enough DER ----

  /** The curve OID (a full TLV) in the [0] parameters of a SEC1 ECPrivateKey, or null. */
  static byte[] ecCurveOid(byte[] sec1) {
    int[] pos = {0};
    if (sec1.length < 2 || (sec1[0] & 0xFF) != 0x30) {
      return null;
    }
    pos[0] = 1;
    int end = length(sec1, pos) + pos[0];
    while (pos[0] < end && pos[0] < sec1.length) {
      int tag = sec1[pos[0]++] & 0xFF;
      int len = length(sec1, pos);
      if (tag == 0xA0) {
        int start = pos[0];
        if ((sec1[start] & 0xFF) != 0x06) {
          return null;
        }
        byte[] out = new byte[len];
        System.arraycopy(sec1, start, out, 0, len);
        return out;
      }
      pos[0] += len;
    }
    return null;
  }

  private static int length(byte[] der, int[] pos) {
    int b = der[pos[0]++] & 0xFF;
    if (b < 0x80) {
      return b;
    }
    int n = b & 0x7F;
    if (n > 3) {
      throw new IllegalArgumentException("length too long");
    }
    int len = 0;
    for (int i = 0; i < n; i++) {
      len = (len << 8) | (der[pos[0]++] & 0xFF);
    }
    return len;
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len);
    } else {
      out.write(0x83);
      out.write(len >> 16);
      out.write(len >> 8);
      out.write(len);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] seq(byte[] content) {
    return tlv(0x30, content);
  }

  private static byte[] oid(int[] arcs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(arcs[0] * 40 + arcs[1]);
    for (int i = 2; i < arcs.length; i++) {
      int v = arcs[i];
      int[] groups = new int[5];
      int n = 0;
      do {
        groups[n++] = v & 0x7F;
        v >>>= 7;
      } while (v != 0);
      for (int j = n - 1; j >= 0; j--) {
        out.write(groups[j] | (j > 0 ? 0x80 : 0));
      }
    }
    return tlv(0x06, out.toByteArray());
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
