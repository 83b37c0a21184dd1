package dev.clientele.segments;

/**
 * For benchmarks only: selects the reference path of {@link Segments}, where every
 * re-evaluation reads the profile's whole timeline (as before the timeline cache), so that one
 * run can measure both. Lives in the segments package to reach its package-private switch.
 */
public final class SegmentsReference {
  private SegmentsReference() {}

  /** Turns the full re-read of {@code segments} on or off. */
  public static void fullReread(Segments segments, boolean on) {
    segments.fullReread(on);
  }

  /** The number of timeline indexes {@code segments} holds. */
  public static long cachedTimelines(Segments segments) {
    return segments.cachedTimelines();
  }
}
