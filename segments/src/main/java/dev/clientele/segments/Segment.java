package dev.clientele.segments;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * A named audience: the profiles that satisfy a {@link Condition}.
 *
 * <pre>{@code
 * Segment sleepers = Segment.of("sleepers-by-email",
 *     Condition.activity(ActivityStatus.SLEEPER).and(Condition.reachable(Channel.EMAIL)));
 * sleepers.toString();  // sleepers-by-email: (activity status is sleeper and reachable by email)
 * }</pre>
 *
 * <p>Immutable; equal when name and condition are equal. Definitions are configuration, not
 * personal data: their readable and JSON forms show every value they compare with.
 *
 * @param name 1 to 64 of {@code [A-Za-z0-9_.:-]}; unique within a {@link SegmentConfig}
 * @param condition who belongs
 */
public record Segment(String name, Condition condition) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  /** Validates. */
  public Segment {
    requireNonNull(name, "name");
    checkArgument(NAME.matcher(name).matches(), "segment name must be 1 to 64 of [A-Za-z0-9_.:-]: %s", Shown.name(name));
    requireNonNull(condition, "condition");
  }

  /** A segment named {@code name} of the profiles satisfying {@code condition}. */
  public static Segment of(String name, Condition condition) {
    return new Segment(name, condition);
  }

  /** The readable form: {@code name: condition}. */
  @Override
  public String toString() {
    return name + ": " + condition;
  }
}
