package dev.clientele.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Property checks over seeded random cases, for invariants that must hold for every input.
 *
 * <p>The seeds are fixed, so a run is reproducible; a failure names the seed of the case that
 * broke the property, and {@code new Random(seed)} rebuilds it.
 */
final class Trials {
  /** Cases per property unless a test asks for another number. */
  static final int CASES = 500;

  private Trials() {}

  /** Runs {@code check} on {@link #CASES} cases. */
  static void forAll(String property, Consumer<Random> check) {
    forAll(property, CASES, check);
  }

  /** Runs {@code check} on {@code cases} cases, each with its own seeded random source. */
  static void forAll(String property, int cases, Consumer<Random> check) {
    long base = property.hashCode() * 1_000_003L;
    for (int i = 0; i < cases; i++) {
      long seed = base + i;
      try {
        check.accept(new Random(seed));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(property + ": case " + i + " (seed " + seed + ") failed: " + e.getMessage(), e);
      }
    }
  }

  /** A shuffled copy of {@code values}. */
  static <T> List<T> shuffled(List<T> values, Random random) {
    List<T> copy = new ArrayList<>(values);
    Collections.shuffle(copy, random);
    return copy;
  }

  /** One of {@code values}, chosen at random. */
  @SafeVarargs
  static <T> T oneOf(Random random, T... values) {
    return values[random.nextInt(values.length)];
  }
}
