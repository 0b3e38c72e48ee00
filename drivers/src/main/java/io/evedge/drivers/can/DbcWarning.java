package io.evedge.drivers.can;

/**
 * Something in a DBC file that was skipped or read only in part; the rest of the file still loaded.
 *
 * @param line 1-based line number in the file (the first line of a statement spanning lines)
 * @param message what was skipped and why
 */
public record DbcWarning(int line, String message) {

  @Override
  public String toString() {
    return "line " + line + ": " + message;
  }
}
