package dev.clientele.core;

import static java.util.Objects.requireNonNull;

/**
 * Marketing consent of a messaging identifier.
 *
 * <p>When two values conflict (two profiles merge), the more restrictive one wins:
 * {@link #OPT_OUT} over {@link #UNKNOWN} over {@link #OPT_IN}.
 */
public enum Consent {
  /** The person agreed to marketing on this identifier. */
  OPT_IN,
  /** Nothing is known; account settings decide whether this counts as reachable. */
  UNKNOWN,
  /** The person refused marketing on this identifier. */
  OPT_OUT;

  /** Returns the more restrictive of this and {@code other}. */
  public Consent mostRestrictive(Consent other) {
    return compareTo(requireNonNull(other, "other")) >= 0 ? this : other;
  }

  /** The lower-case name used in JSON output: {@code opt_in}, {@code unknown}, {@code opt_out}. */
  public String key() {
    return switch (this) {
      case OPT_IN -> "opt_in";
      case UNKNOWN -> "unknown";
      case OPT_OUT -> "opt_out";
    };
  }
}
