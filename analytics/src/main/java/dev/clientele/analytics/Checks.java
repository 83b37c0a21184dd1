package dev.clientele.analytics;

/** Argument checks shared by the models; messages name the argument and the bad value. */
final class Checks {
  private Checks() {}

  static void positive(String name, double value) {
    if (!(value > 0) || value == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(name + " must be finite and > 0: " + value);
    }
  }

  static void horizon(double t) {
    if (!(t >= 0) || t == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("t must be finite and >= 0: " + t);
    }
  }

  static void history(int frequency, double recency, double age) {
    if (frequency < 0) {
      throw new IllegalArgumentException("frequency must be >= 0: " + frequency);
    }
    if (!(age >= 0) || age == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("age must be finite and >= 0: " + age);
    }
    if (!(recency >= 0 && recency <= age)) {
      throw new IllegalArgumentException("recency must be in [0, age " + age + "]: " + recency);
    }
  }
}
