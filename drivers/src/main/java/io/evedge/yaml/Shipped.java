package io.evedge.yaml;

import com.google.protobuf.Message;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Files a jar ships under one folder and a configuration names by name
 * ({@code <folder>/<name>.<extension>}), beside the files a user names by path: device profiles,
 * CAN mappings and DBC files, scenarios. One place for telling a name from a path, reading a
 * shipped file, and the error that lists what is shipped.
 */
public final class Shipped {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]*");

  private final ClassLoader loader;
  private final String folder;
  private final List<String> names;

  /**
   * @param owner a class of the jar that ships the files (its class loader finds them)
   * @param folder the folder they are in, inside the jar
   * @param names the names configurations use, in the order help lists them
   */
  public Shipped(Class<?> owner, String folder, List<String> names) {
    this.loader = owner.getClassLoader();
    this.folder = folder;
    this.names = List.copyOf(names);
  }

  /** The shipped names, in the order help lists them. */
  public List<String> names() {
    return names;
  }

  /**
   * Whether {@code ref} is a path rather than a shipped name: anything but a lower-case name of
   * letters, digits, {@code _ . -}, or a name that ends in one of {@code extensions}
   * ({@code "yaml"} for {@code .yaml}).
   */
  public static boolean isPath(String ref, String... extensions) {
    if (!NAME.matcher(ref).matches()) {
      return true;
    }
    for (String e : extensions) {
      if (ref.endsWith("." + e)) {
        return true;
      }
    }
    return false;
  }

  /** Where shipped {@code name.extension} is in the jar; the source its errors name. */
  public String resource(String name, String extension) {
    return folder + "/" + name + "." + extension;
  }

  /** The shipped names that have a {@code name.extension} in the jar. */
  public List<String> available(String extension) {
    return names.stream().filter(n -> loader.getResource(resource(n, extension)) != null).toList();
  }

  /**
   * The bytes of shipped {@code name.extension}.
   *
   * @param what what it is, for the error, e.g. {@code "CAN mapping"}
   * @param orPathOf the file a user could name instead, e.g. {@code "a mapping file"}
   * @throws ConfigException where the jar has no such file ("no shipped CAN mapping of that name;
   *     shipped are …, or give the path of a mapping file") or it cannot be read
   */
  public byte[] read(String name, String extension, String what, String orPathOf) throws ConfigException {
    String resource = resource(name, extension);
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConfigException(name, "", 0, "no shipped " + what + " of that name; shipped are "
            + String.join(", ", available(extension)) + ", or give the path of " + orPathOf);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new ConfigException(resource, "", 0, "cannot read: " + e.getMessage());
    }
  }

  /**
   * Shipped {@code name.yaml} read strictly into {@code builder} ({@link ProtoYaml}), with the
   * resource as the source its errors name; {@code what} and {@code orPathOf} as for
   * {@link #read}.
   */
  public <B extends Message.Builder> B readYaml(String name, B builder, String what, String orPathOf)
      throws ConfigException {
    String text = new String(read(name, "yaml", what, orPathOf), StandardCharsets.UTF_8);
    return ProtoYaml.read(resource(name, "yaml"), text, builder);
  }
}
