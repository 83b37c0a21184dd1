package dev.clientele.segments;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.Event;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.Optional;

/**
 * A profile entering or leaving a segment, as passed to a {@link SegmentListener}.
 *
 * @param segment the segment's name
 * @param kind enter or leave
 * @param profileId the profile's id
 * @param profile the profile as read right after the change was committed; empty when it no
 *     longer exists (merged into another profile, or erased)
 * @param at the as-of instant of the evaluation that saw the change
 * @param cause the ingested event that caused it; empty for a {@link Segments#refresh} or an erasure
 */
public record SegmentTransition(
    String segment, Kind kind, ProfileId profileId, Optional<Profile> profile, Instant at, Optional<Event> cause) {
  /** Enter or leave. */
  public enum Kind {
    /** The profile became a member. */
    ENTER,
    /** The profile stopped being a member. */
    LEAVE
  }

  /** Validates. */
  public SegmentTransition {
    requireNonNull(segment, "segment");
    requireNonNull(kind, "kind");
    requireNonNull(profileId, "profileId");
    requireNonNull(profile, "profile");
    requireNonNull(at, "at");
    requireNonNull(cause, "cause");
  }

  /** Segment, kind, profile id, time and cause id; no personal data. */
  @Override
  public String toString() {
    return "SegmentTransition{" + kind + " " + segment + " " + profileId + " @" + at
        + cause.map(e -> " by " + e.id()).orElse("") + "}";
  }
}
