package dev.clientele.segments;

import java.time.Instant;

/**
 * What a {@link Segments#refresh} did.
 *
 * @param asOf the as-of instant evaluated
 * @param profiles profiles evaluated
 * @param entered transitions into a segment
 * @param left transitions out of a segment
 */
public record RefreshResult(Instant asOf, long profiles, long entered, long left) {
  /** Checks the as-of instant. */
  public RefreshResult {
    java.util.Objects.requireNonNull(asOf, "asOf");
  }
}
