package io.evedge.drivers.can;

import io.evedge.proto.CanMapping;
import io.evedge.yaml.ConfigException;
import io.evedge.yaml.ProtoYaml;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * DBC files and CAN mappings by shipped name (in the jar under {@code can/<name>.dbc} and
 * {@code can/<name>.yaml}) or by file path. A relative path is taken relative to a base directory:
 * the configuration file's for references in the configuration, the mapping file's for the
 * {@code dbc} a mapping names.
 */
public final class CanResources {

  /** The DBC files and mappings shipped in the jar, by the names configs use. */
  public static final List<String> SHIPPED = List.of("evedge-generic-ev");

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]*");

  private CanResources() {}

  /** A DBC file and where it came from. */
  public record LoadedDbc(String source, DbcDatabase database) {}

  /** A mapping file, where it came from, and the directory its relative references start from. */
  public record LoadedMapping(String source, CanMapping mapping, Path baseDir) {}

  /** Whether {@code ref} names a file rather than a shipped resource. */
  public static boolean isPath(String ref) {
    return !NAME.matcher(ref).matches() || ref.endsWith(".dbc") || ref.endsWith(".yaml")
        || ref.endsWith(".yml");
  }

  /**
   * Loads a DBC by shipped name or path (relative to {@code baseDir}, which may be null). Lines
   * the parser skipped are in {@link DbcDatabase#warnings()}; only a missing or unreadable file is
   * an error.
   */
  public static LoadedDbc dbc(String ref, Path baseDir) throws ConfigException {
    if (isPath(ref)) {
      Path file = resolve(ref, baseDir);
      try {
        return new LoadedDbc(file.toString(), DbcParser.parse(file));
      } catch (NoSuchFileException e) {
        throw new ConfigException(file.toString(), "", 0, "no such DBC file");
      } catch (IOException e) {
        throw new ConfigException(file.toString(), "", 0, "cannot read: " + e.getMessage());
      }
    }
    String resource = "can/" + ref + ".dbc";
    try (InputStream in = CanResources.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConfigException(ref, "", 0, "no shipped DBC of that name; shipped are "
            + String.join(", ", available("dbc")) + ", or give the path of a .dbc file");
      }
      return new LoadedDbc(resource, DbcParser.parse(in));
    } catch (IOException e) {
      throw new ConfigException(resource, "", 0, "cannot read: " + e.getMessage());
    }
  }

  /** Loads a mapping by shipped name or path (relative to {@code baseDir}, which may be null). */
  public static LoadedMapping mapping(String ref, Path baseDir) throws ConfigException {
    if (isPath(ref)) {
      Path file = resolve(ref, baseDir);
      CanMapping m = ProtoYaml.read(file, CanMapping.newBuilder()).build();
      Path dir = file.toAbsolutePath().getParent();
      return new LoadedMapping(file.toString(), m, dir);
    }
    String resource = "can/" + ref + ".yaml";
    try (InputStream in = CanResources.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConfigException(ref, "", 0, "no shipped CAN mapping of that name; shipped are "
            + String.join(", ", available("yaml")) + ", or give the path of a mapping file");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new LoadedMapping(resource,
          ProtoYaml.read(resource, text, CanMapping.newBuilder()).build(), null);
    } catch (IOException e) {
      throw new ConfigException(resource, "", 0, "cannot read: " + e.getMessage());
    }
  }

  /** Shipped resources of this extension ({@code dbc}, {@code yaml}) actually in the jar. */
  public static List<String> available(String extension) {
    return SHIPPED.stream()
        .filter(n -> CanResources.class.getClassLoader()
            .getResource("can/" + n + "." + extension) != null)
        .toList();
  }

  private static Path resolve(String ref, Path baseDir) {
    Path p = Path.of(ref);
    return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p);
  }
}
