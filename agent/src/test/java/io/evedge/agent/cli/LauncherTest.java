package io.evedge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package's launcher ({@code src/deb/bin/evedge-agent}) as a real shell script with the
 * real {@code taskset} and {@code chrt}; only {@code java} is a stand-in (through {@code JAVA_HOME}) that
 * prints the CPUs it may run on, its scheduling policy and its arguments. The defaults file comes from
 * {@code EVEDGE_DEFAULTS}.
 */
class LauncherTest {

  private static final Path LAUNCHER = Path.of("src/deb/bin/evedge-agent").toAbsolutePath();

  /** What the stand-in java is given: the defaults file's flags, then the jar and the command. */
  private static final String JVM_ARGS = "-Xmx24m -XX:+UseSerialGC -jar /usr/share/evedge/evedge-agent.jar version";

  @TempDir
  Path dir;

  @BeforeEach
  void fakeJava() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("jdk/bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, """
        #!/bin/sh
        echo "cpus: $(/bin/sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)"
        echo "policy: $(/usr/bin/chrt -p $$ | /bin/sed -n 's/.*scheduling policy: //p')"
        echo "args: $*"
        """);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private record Run(int code, String out, String err) {
    String line(String prefix) {
      return out.lines().filter(l -> l.startsWith(prefix)).findFirst().map(l -> l.substring(prefix.length()))
          .orElseThrow(() -> new AssertionError("no '" + prefix + "' line in:\n" + out + err));
    }
  }

  private Run launch(String settings) throws Exception {
    return launch(settings, null);
  }

  /** With {@code settings} (lines) in the defaults file, and {@code path} as PATH when it is not null. */
  private Run launch(String settings, Path path) throws Exception {
    Path defaults = dir.resolve("defaults");
    Files.writeString(defaults, "EVEDGE_JAVA_OPTS=\"-Xmx24m -XX:+UseSerialGC\"\n" + settings + "\n");
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", LAUNCHER.toString(), "version");
    if (path != null) {
      pb.environment().put("PATH", path.toString());
    }
    pb.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
    pb.environment().put("EVEDGE_DEFAULTS", defaults.toString());
    pb.environment().remove("EVEDGE_CPUS");
    pb.environment().remove("EVEDGE_SCHED");
    pb.redirectError(dir.resolve("err").toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher ended");
    return new Run(p.exitValue(), out, Files.readString(dir.resolve("err")));
  }

  /** The CPUs this test may run on, as Linux lists them. */
  private static String ownCpus() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
        .map(l -> l.substring("Cpus_allowed_list:".length()).trim()).findFirst().orElseThrow();
  }

  @Test
  void lastPinsTheAgentToTheHighestNumberedCpuItMayUse() throws Exception {
    Run r = launch("EVEDGE_CPUS=last");
    assertEquals(0, r.code(), r.err());
    String own = ownCpus();
    assertEquals(own.substring(own.replaceAll("[0-9]+$", "").length()), r.line("cpus: "));
    assertEquals(JVM_ARGS, r.line("args: "),
        "the JVM flags still come first");
  }

  @Test
  void anExplicitListIsTakenAsIs() throws Exception {
    Run r = launch("EVEDGE_CPUS=0");
    assertEquals(0, r.code(), r.err());
    assertEquals("0", r.line("cpus: "));
  }

  @Test
  void emptyLeavesTheAgentOnAllCpus() throws Exception {
    Run r = launch("EVEDGE_CPUS=");
    assertEquals(0, r.code(), r.err());
    assertEquals(ownCpus(), r.line("cpus: "));
    assertEquals("SCHED_OTHER", r.line("policy: "), "no EVEDGE_SCHED: the default policy");
    assertEquals("", r.err());
  }

  @Test
  void aCpuThatIsNotThereIsReportedAndTheAgentStillStarts() throws Exception {
    Run r = launch("EVEDGE_CPUS=4095");
    assertEquals(0, r.code(), r.err());
    assertEquals(ownCpus(), r.line("cpus: "), "not pinned");
    assertTrue(r.err().contains("cannot run on CPUs '4095' (EVEDGE_CPUS in " + dir.resolve("defaults") + ")"), r.err());
    assertEquals(JVM_ARGS, r.line("args: "));
  }

  @Test
  void withoutTasksetTheAgentSaysSoAndStartsOnAllCpus() throws Exception {
    Run r = launch("EVEDGE_CPUS=0", Files.createDirectories(dir.resolve("empty-path")));
    assertEquals(0, r.code(), r.err());
    assertEquals(ownCpus(), r.line("cpus: "), "not pinned");
    assertTrue(r.err().contains("EVEDGE_CPUS=0 but taskset is not installed; running on all CPUs"), r.err());
  }

  @Test
  void batchRunsTheAgentAsSchedBatchOnItsCpus() throws Exception {
    Run r = launch("EVEDGE_CPUS=0\nEVEDGE_SCHED=batch");
    assertEquals(0, r.code(), r.err());
    assertEquals("SCHED_BATCH", r.line("policy: "));
    assertEquals("0", r.line("cpus: "), "pinned as well");
    assertEquals(JVM_ARGS, r.line("args: "));
    assertEquals("", r.err());
  }

  @Test
  void anEmptyPolicyIsTheDefaultOne() throws Exception {
    Run r = launch("EVEDGE_SCHED=");
    assertEquals(0, r.code(), r.err());
    assertEquals("SCHED_OTHER", r.line("policy: "));
    assertEquals("", r.err());
  }

  /** The agent started, with its flags, under the default policy, and the launcher said {@code why}. */
  private static void startedWithTheDefaultPolicy(Run r, String why) {
    assertEquals(0, r.code(), r.err());
    assertEquals("SCHED_OTHER", r.line("policy: "));
    assertEquals(JVM_ARGS, r.line("args: "));
    assertTrue(r.err().contains(why), r.err());
  }

  @Test
  void aPolicyOtherThanBatchIsReportedAndTheAgentStillStarts() throws Exception {
    startedWithTheDefaultPolicy(launch("EVEDGE_SCHED=fifo"),
        "EVEDGE_SCHED='fifo' in " + dir.resolve("defaults") + " is neither batch nor empty");
  }

  @Test
  void withoutChrtTheAgentSaysSoAndStartsWithTheDefaultPolicy() throws Exception {
    startedWithTheDefaultPolicy(launch("EVEDGE_SCHED=batch", Files.createDirectories(dir.resolve("empty-path"))),
        "EVEDGE_SCHED=batch but chrt is not installed; running with the default scheduling policy");
  }

  @Test
  void aChrtThatFailsIsReportedAndTheAgentStartsWithTheDefaultPolicy() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("failing-chrt"));
    Path chrt = bin.resolve("chrt");
    Files.writeString(chrt, "#!/bin/sh\necho 'chrt: failed to set the policy: Operation not permitted' >&2\nexit 1\n");
    Files.setPosixFilePermissions(chrt, PosixFilePermissions.fromString("rwxr-xr-x"));
    startedWithTheDefaultPolicy(launch("EVEDGE_SCHED=batch", bin),
        "cannot run as SCHED_BATCH (EVEDGE_SCHED in " + dir.resolve("defaults") + ")");
  }
}
