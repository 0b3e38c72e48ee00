package io.evedge.agent.mqtt;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * Why a connection failed, in words an operator can act on: an untrusted or misnamed broker
 * certificate, a client certificate the broker rejected, a refused username or password, a broker
 * that is not listening.
 */
public final class LinkErrors {

  private LinkErrors() {}

  /** A sentence for {@code e} met while connecting to {@code uri}. */
  public static String describe(Throwable e, String uri) {
    String host = host(uri);
    StringBuilder chain = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      chain.append(' ').append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    String all = chain.toString();
    if (find(e, CertPathValidatorException.class) != null || all.contains("PKIX path")
        || all.contains("unable to find valid certification path")) {
      return "TLS: the broker's certificate is not trusted (it does not chain to the configured ca_file "
          + "or the JVM's trust store)";
    }
    if (all.contains("No subject alternative") || all.contains("No name matching")
        || all.contains("doesn't match any of the subject alternative names")) {
      return "TLS: the broker's certificate does not name the host " + host
          + " (hostname verification; use the name in its certificate or fix its subjectAltName)";
    }
    if (all.contains("certificate_required") || all.contains("bad_certificate")
        || all.contains("unknown_ca") || all.contains("certificate_unknown")) {
      return "TLS: the broker rejected our client certificate (mutual TLS: check cert_file, key_file and the "
          + "broker's CA)";
    }
    if (find(e, SSLHandshakeException.class) != null || find(e, CertificateException.class) != null) {
      return "TLS handshake failed:" + all;
    }
    if (find(e, SSLException.class) != null) {
      return "TLS failed (is the broker's port a TLS listener?):" + all;
    }
    MqttException me = find(e, MqttException.class);
    if (me != null) {
      int code = me.getReasonCode();
      if (code == 0x86 || code == 0x04) {
        return "the broker rejected the username or password (reason 0x86 bad user name or password)";
      }
      if (code == 0x87 || code == 0x05) {
        return "the broker refused the connection: not authorized (reason 0x87); check the username and "
            + "password (Mosquitto answers a wrong password so) and the broker's ACL";
      }
      if (code == 0x85 || code == 0x02) {
        return "the broker rejected the client id (reason 0x85)";
      }
    }
    if (find(e, ConnectException.class) != null) {
      return "nothing accepts connections at " + uri + " (" + find(e, ConnectException.class).getMessage() + ")";
    }
    if (find(e, UnknownHostException.class) != null) {
      return "unknown host " + host;
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String top = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return root == e || root.getMessage() == null ? top : top + " (" + root.getMessage() + ")";
  }

  /** The name of an MQTT v5 reason code. */
  public static String reasonName(int code) {
    return switch (code) {
      case 0x80 -> "unspecified error";
      case 0x83 -> "implementation specific error";
      case 0x86 -> "bad user name or password";
      case 0x87 -> "not authorized";
      case 0x8F -> "topic filter invalid";
      case 0x90 -> "topic name invalid";
      case 0x91 -> "packet identifier in use";
      case 0x95 -> "packet too large";
      case 0x97 -> "quota exceeded";
      case 0x99 -> "payload format invalid";
      default -> "";
    };
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String host(String uri) {
    String s = uri.replaceFirst("^[a-z]+://", "");
    int colon = s.lastIndexOf(':');
    return colon > 0 ? s.substring(0, colon) : s;
  }
}
