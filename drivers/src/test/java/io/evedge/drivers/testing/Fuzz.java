package io.evedge.drivers.testing;

import java.util.SplittableRandom;
import org.opentest4j.TestAbortedException;

/**
 * Seeded random fuzzing for plain JUnit 5 tests. {@link #tries} runs a body a given number of
 * times, each try with its own {@link SplittableRandom} whose seed is drawn at random for the run;
 * a try that fails is reported with its seed and the command-line switch that replays it alone
 * ({@code -Dfuzz.seed=N}, e.g. {@code ./mvnw -B -pl drivers -am verify -Dtest='CanParsersFuzzTest'
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.seed=N}). Everything a try generates must come
 * from the random it is given, so that its seed alone reproduces it.
 */
public final class Fuzz {

  /** The system property that replays one try: its value is the seed a failure reported. */
  public static final String SEED_PROPERTY = "fuzz.seed";

  /** One try of a fuzz test: generates its input from {@code random} and asserts on the outcome. */
  @FunctionalInterface
  public interface Try {
    void run(SplittableRandom random) throws Exception;
  }

  private Fuzz() {}

  /**
   * Runs {@code body} {@code tries} times with fresh seeds, or once with the seed of
   * {@value #SEED_PROPERTY} when it is set. A failure (assertion or any exception or error that
   * escapes) is rethrown as an {@link AssertionError} naming the try, its seed and how to replay it.
   */
  public static void tries(int tries, Try body) {
    String fixed = System.getProperty(SEED_PROPERTY, "").trim();
    if (!fixed.isEmpty()) {
      run(Long.parseLong(fixed), 1, 1, body);
      return;
    }
    SplittableRandom seeds = new SplittableRandom();
    for (int i = 1; i <= tries; i++) {
      run(seeds.nextLong(), i, tries, body);
    }
  }

  private static void run(long seed, int attempt, int of, Try body) {
    try {
      body.run(new SplittableRandom(seed));
    } catch (TestAbortedException e) {
      throw e;
    } catch (Throwable t) {
      throw new AssertionError("try " + attempt + " of " + of + " failed with seed " + seed
          + " (replay it alone with -D" + SEED_PROPERTY + "=" + seed + "): " + t, t);
    }
  }
}
