package dev.clientele.segments;

/** For sdk tests: reaches the package-private reference switch of {@link Segments}. */
public final class SegmentsTestAccess {
  private SegmentsTestAccess() {}

  /** Turns the full re-read (the reference path, no timeline cache) of {@code segments} on or off. */
  public static void fullReread(Segments segments, boolean on) {
    segments.fullReread(on);
  }
}
