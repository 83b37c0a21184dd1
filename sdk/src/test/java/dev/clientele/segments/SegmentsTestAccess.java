package dev.clientele.segments;

/** For sdk tests: reaches the package-private reference switch of {@link Segments}. */
public final class SegmentsTestAccess {
  private SegmentsTestAccess() {}

  /**
   * Makes the {@link Segments} built from {@code config} use the full re-read (the reference
   * path, no timeline cache); returns {@code config}.
   */
  public static SegmentConfig.Builder fullReread(SegmentConfig.Builder config) {
    return config.fullReread();
  }
}
