package io.evedge.drivers.can;

import io.evedge.proto.CanMapping;
import io.evedge.yaml.ConfigException;
import io.evedge.yaml.ProtoYaml;
import io.evedge.yaml.Shipped;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * DBC files and CAN mappings by shipped name (in the jar under {@code can/<name>.dbc} and
 * {@code can/<name>.yaml}) or by file path. A relative path is taken relative to a base directory:
 * the configuration file's for references in the configuration, the mapping file's for the
 * {@code dbc} a mapping names.
 */
public final class CanResources {

  /** The DBC files and mappings shipped in the jar, by the names configs use. */
  public static final List<String> SHIPPED = List.of("evedge-generic-ev");

  private static final Shipped FILES = new Shipped(CanResources.class, "can", SHIPPED);

  private CanResources() {}

  /** A DBC file and where it came from. */
  public record LoadedDbc(String source, DbcDatabase database) {}

  /** A mapping file, where it came from, and the directory its relative references start from. */
  public record LoadedMapping(String source, CanMapping mapping, Path baseDir) {}

  /** Whether {@code ref} names a file rather than a shipped resource. */
  public static boolean isPath(String ref) {
    return Shipped.isPath(ref, "dbc", "yaml", "yml");
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
    byte[] dbc = FILES.read(ref, "dbc", "DBC", "a .dbc file");
    return new LoadedDbc(FILES.resource(ref, "dbc"), DbcParser.parse(dbc));
  }

  /** Loads a mapping by shipped name or path (relative to {@code baseDir}, which may be null). */
  public static LoadedMapping mapping(String ref, Path baseDir) throws ConfigException {
    if (isPath(ref)) {
      Path file = resolve(ref, baseDir);
      CanMapping m = ProtoYaml.read(file, CanMapping.newBuilder()).build();
      Path dir = file.toAbsolutePath().getParent();
      return new LoadedMapping(file.toString(), m, dir);
    }
    CanMapping m = FILES.readYaml(ref, CanMapping.newBuilder(), "CAN mapping", "a mapping file").build();
    return new LoadedMapping(FILES.resource(ref, "yaml"), m, null);
  }

  /** Shipped resources of this extension ({@code dbc}, {@code yaml}) actually in the jar. */
  public static List<String> available(String extension) {
    return FILES.available(extension);
  }

  private static Path resolve(String ref, Path baseDir) {
    Path p = Path.of(ref);
    return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p);
  }
}
