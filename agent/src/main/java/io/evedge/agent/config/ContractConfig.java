package io.evedge.agent.config;

import io.evedge.agent.mqtt.TlsContexts;
import io.evedge.agent.signal.SignalCatalog;
import io.evedge.proto.AgentConfig;
import io.evedge.proto.MqttConfig;
import io.evedge.proto.OutboxConfig;
import io.evedge.proto.SignalPolicy;
import io.evedge.proto.SignalsConfig;
import io.evedge.proto.TlsConfig;
import io.evedge.yaml.ConfigException;
import io.evedge.yaml.ProtoYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the schema alone cannot check in the MQTT contract's part of the configuration (TLS files,
 * password sources, per-signal policies), relative paths made absolute, defaults of absent blocks
 * filled in; and the password, read from where the configuration says, never logged.
 */
public final class ContractConfig {

  private ContractConfig() {}

  /** Checks {@code config} (read from {@code file}); returns it with absolute paths and defaults. */
  public static AgentConfig check(Path file, AgentConfig config, List<ConfigException.Problem> problems)
      throws ConfigException {
    String source = file.toString();
    AgentConfig.Builder b = config.toBuilder();
    MqttConfig.Builder m = b.getMqttBuilder();
    Path dir = file.toAbsolutePath().getParent();
    Function<String, String> resolve = p -> p.isEmpty() || dir == null || Path.of(p).isAbsolute() ? p
        : dir.resolve(p).normalize().toString();

    int sources = (m.getPassword().isEmpty() ? 0 : 1) + (m.getPasswordFile().isEmpty() ? 0 : 1)
        + (m.getPasswordEnv().isEmpty() ? 0 : 1);
    if (sources > 1) {
      problems.add(new ConfigException.Problem(source, "mqtt", 0,
          "give the password one way: password, password_file or password_env, not several"));
    }
    if (!m.getPasswordFile().isEmpty()) {
      m.setPasswordFile(resolve.apply(m.getPasswordFile()));
      Path pf = Path.of(m.getPasswordFile());
      if (!Files.isReadable(pf)) {
        problems.add(new ConfigException.Problem(source, "mqtt.password_file", 0,
            "cannot read " + pf + " (expected a file holding the password)"));
      }
    }
    boolean tlsUri = m.getUri().startsWith("ssl://") || m.getUri().startsWith("mqtts://");
    if (m.hasTls()) {
      TlsConfig.Builder t = m.getTlsBuilder();
      if (!tlsUri) {
        problems.add(new ConfigException.Problem(source, "mqtt.tls", 0,
            "TLS settings need a TLS broker uri (ssl://host:8883 or mqtts://host:8883), got " + m.getUri()));
      }
      t.setCaFile(resolve.apply(t.getCaFile()));
      t.setCertFile(resolve.apply(t.getCertFile()));
      t.setKeyFile(resolve.apply(t.getKeyFile()));
      if (t.getCertFile().isEmpty() != t.getKeyFile().isEmpty()) {
        problems.add(new ConfigException.Problem(source, "mqtt.tls", 0,
            "mutual TLS needs both cert_file and key_file"));
      } else {
        try {
          TlsContexts.socketFactory(path(t.getCaFile()), path(t.getCertFile()), path(t.getKeyFile()));
        } catch (TlsContexts.TlsConfigException e) {
          problems.add(new ConfigException.Problem(source, "mqtt.tls", 0, e.getMessage()));
        }
      }
      if (!t.hasVerifyHostname()) {
        t.setVerifyHostname(true);
      }
    }

    SignalsConfig.Builder s = b.getSignalsBuilder();
    checkPolicy(source, "signals.defaults", s.getDefaults(), problems);
    for (Map.Entry<String, SignalPolicy> e : s.getPerSignalMap().entrySet()) {
      String path = "signals.per_signal[" + e.getKey() + "]";
      if (SignalCatalog.find(e.getKey()).isEmpty()) {
        problems.add(new ConfigException.Problem(source, path, 0, "unknown signal; expected one of: "
            + String.join(", ", SignalCatalog.all().keySet())));
      }
      checkPolicy(source, path, e.getValue(), problems);
    }
    if (!s.hasChargingCurrentA()) {
      s.setChargingCurrentA(0.5);
    }
    if (!b.hasOutbox()) {
      OutboxConfig.Builder o = OutboxConfig.newBuilder();
      ProtoYaml.applyDefaults(o, source);
      b.setOutbox(o);
    }
    return b.build();
  }

  private static void checkPolicy(String source, String path, SignalPolicy p, List<ConfigException.Problem> problems) {
    if (p.hasDeadband() && p.hasDeadbandPercent()) {
      problems.add(new ConfigException.Problem(source, path, 0,
          "give one deadband: deadband (absolute) or deadband_percent, not both"));
    }
  }

  private static Path path(String s) {
    return s.isEmpty() ? null : Path.of(s);
  }

  /**
   * The MQTT password: {@code password}, the first line of {@code password_file}, or the variable
   * {@code password_env} of {@code env}; empty when none is configured.
   */
  public static byte[] password(MqttConfig m, Function<String, String> env) throws ConfigException {
    if (!m.getPassword().isEmpty()) {
      return m.getPassword().getBytes(StandardCharsets.UTF_8);
    }
    if (!m.getPasswordFile().isEmpty()) {
      try {
        String text = Files.readString(Path.of(m.getPasswordFile()), StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        String line = (nl >= 0 ? text.substring(0, nl) : text).replace("\r", "");
        if (line.isEmpty()) {
          throw new ConfigException("config", "mqtt.password_file", 0, m.getPasswordFile() + " is empty");
        }
        return line.getBytes(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ConfigException("config", "mqtt.password_file", 0, "cannot read " + m.getPasswordFile()
            + " (" + e.getMessage() + ")");
      }
    }
    if (!m.getPasswordEnv().isEmpty()) {
      String v = env.apply(m.getPasswordEnv());
      if (v == null || v.isEmpty()) {
        throw new ConfigException("config", "mqtt.password_env", 0, "the environment variable "
            + m.getPasswordEnv() + " is not set");
      }
      return v.getBytes(StandardCharsets.UTF_8);
    }
    return new byte[0];
  }

  /** Where the password comes from, for {@code check-config}: never the password itself. */
  public static String describePassword(MqttConfig m, Function<String, String> env) {
    if (!m.getPassword().isEmpty()) {
      return "password set in the file";
    }
    if (!m.getPasswordFile().isEmpty()) {
      return "password from " + m.getPasswordFile();
    }
    if (!m.getPasswordEnv().isEmpty()) {
      String v = env.apply(m.getPasswordEnv());
      return "password from $" + m.getPasswordEnv() + (v == null || v.isEmpty() ? " (not set here)" : " (set)");
    }
    return "";
  }
}
