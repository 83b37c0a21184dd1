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
 */
public record ProfileChange(Event event, ProfileId profile, boolean created, List<ProfileId> mergedAway) {
  /** Validates and copies. */
  public ProfileChange {
    requireNonNull(event, "event");
    requireNonNull(profile, "profile");
    mergedAway = ImmutableList.copyOf(mergedAway);
  }
}
