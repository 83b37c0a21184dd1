package dev.clientele.segments;

/**
 * For benchmarks only: selects the reference path of {@link Segments}, where every
 * re-evaluation reads the profile's whole timeline (as before the timeline cache), so that one
 * run can measure both. Lives in the segments package to reach its package-private switch.
 */
public final class SegmentsReference {
  private SegmentsReference() {}

  /** Makes the {@link Segments} built from {@code config} use the full re-read; returns {@code config}. */
  public static SegmentConfig.Builder fullReread(SegmentConfig.Builder config) {
    return config.fullReread();
  }
}
