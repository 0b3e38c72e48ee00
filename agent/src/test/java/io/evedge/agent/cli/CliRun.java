package io.evedge.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One run of the agent's command line in this JVM ({@link Main#execute}): its exit code and what
 * it printed on standard output and standard error.
 */
record CliRun(int code, String out, String err) {

  /** Runs the command line with {@code args}. */
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Runs {@code check-config} on {@code yaml}, written to {@code dir/evedge.yaml}. */
  static CliRun checkConfig(Path dir, String yaml) throws IOException {
    Path file = dir.resolve("evedge.yaml");
    Files.writeString(file, yaml);
    return of("check-config", "--config", file.toString());
  }

  /** The same run with runs of spaces in its output (the plan's aligned columns) made single. */
  CliRun singleSpaced() {
    return new CliRun(code, out.replaceAll(" {2,}", " "), err);
  }
}
