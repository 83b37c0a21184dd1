package dev.clientele.segments;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Event;
import dev.clientele.core.ProfileId;
import java.util.List;

/**
 * What one committed ingestion did to profiles: the input of incremental re-evaluation
 * ({@link Segments#onCommitted}).
 *
 * @param event the event that was applied
 * @param profile the profile the event now belongs to
 * @param created whether the profile was created by this event
 * @param mergedAway profiles merged into {@code profile} by this event (they no longer exist)
 * @param appendedAlone whether the commit of this event wrote {@code profile} once and appended
 *     to its timeline this event and no other (as the sdk's ingestion of a single event does;
 *     not a batch of events, nor another profile a derived event reached). Only a hint of what
 *     changed, never trusted alone: {@link Segments} checks the profile's version, event count
 *     and identifiers before it adds the event to its cached index of the timeline, and reads the
 *     timeline again otherwise. False when not known; results are the same either way
 */
public record ProfileChange(Event event, ProfileId profile, boolean created, List<ProfileId> mergedAway, boolean appendedAlone) {
  /** Validates and copies. */
  public ProfileChange {
    requireNonNull(event, "event");
    requireNonNull(profile, "profile");
    mergedAway = ImmutableList.copyOf(java.util.Objects.requireNonNull(mergedAway, "mergedAway"));
  }

  /**
   * A change not known to have appended {@code event} alone ({@code appendedAlone} false): the
   * timeline is read again if a segment needs it.
   */
  public ProfileChange(Event event, ProfileId profile, boolean created, List<ProfileId> mergedAway) {
    this(event, profile, created, mergedAway, false);
  }
}
