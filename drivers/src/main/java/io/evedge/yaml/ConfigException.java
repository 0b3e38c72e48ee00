package io.evedge.yaml;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration (or profile, or mapping) file that cannot be used. Its message names the file,
 * the key path and line of each problem, and what was expected; it is meant for the operator.
 */
public final class ConfigException extends Exception {

  private final List<Problem> problems;

  public ConfigException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String source, String path, int line, String message) {
    this(List.of(new Problem(source, path, line, message)));
  }

  public List<Problem> problems() {
    return problems;
  }

  /**
   * One problem: {@code source} is the file, {@code path} the key path such as {@code modbus[0].tcp.port}
   * (empty for the whole document), {@code line} 1-based or 0 when unknown.
   */
  public record Problem(String source, String path, int line, String message) {
    @Override
    public String toString() {
      StringBuilder b = new StringBuilder(source);
      if (line > 0) {
        b.append(':').append(line);
      }
      b.append(": ");
      if (!path.isEmpty()) {
        b.append(path).append(": ");
      }
      return b.append(message).toString();
    }
  }
}
