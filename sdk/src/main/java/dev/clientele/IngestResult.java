package dev.clientele;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.ProfileId;
import dev.clientele.identity.LinkPlan;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Clientele#ingest} did with one event.
 *
 * @param eventId the event's id
 * @param outcome applied, duplicate, rejected or erased
 * @param profile the profile the event now belongs to; empty unless applied (for an erasure:
 *     the erased profile)
 * @param createdProfile whether a new profile was created for it
 * @param mergedProfiles ids of profiles merged into {@code profile} because of this event
 * @param problems what was refused or not applied, one line each (no personal data): blocked
 *     or malformed identifiers, rejected attributes, unknown actions, refused links; for a
 *     rejected event, why
 * @param refusals identifiers dropped from the link by an identity rule (unique conflict,
 *     limit, attach-only type, caps), each with its rule
 * @param erasedProfiles for {@link Outcome#ERASED}: every profile the event erased
 * @param otherProfiles for {@link Outcome#APPLIED}: other profiles the event changed besides
 *     {@code profile}, namely the holders of messaging identifiers whose link was refused, which a
 *     consent or bounce event reaches as a derived event {@code <id>#~<n>}
 */
public record IngestResult(
    String eventId,
    Outcome outcome,
    Optional<ProfileId> profile,
    boolean createdProfile,
    List<ProfileId> mergedProfiles,
    List<String> problems,
    List<LinkPlan.Refusal> refusals,
    List<ProfileId> erasedProfiles,
    List<ProfileId> otherProfiles) {

  /** What happened to an event. */
  public enum Outcome {
    /** Stored and applied to a profile. */
    APPLIED,
    /** An event with this id was already stored; nothing changed. */
    DUPLICATE,
    /** Not stored: see {@link IngestResult#problems()}. */
    REJECTED,
    /** A {@code compliance}/{@code gdpr_delete} event: the profile it names was erased; the event itself is not stored. */
    ERASED
  }

  /** Validates and copies. */
  public IngestResult {
    requireNonNull(eventId, "eventId");
    requireNonNull(outcome, "outcome");
    requireNonNull(profile, "profile");
    mergedProfiles = copy(mergedProfiles);
    problems = copy(problems);
    refusals = copy(refusals);
    erasedProfiles = copy(erasedProfiles);
    otherProfiles = copy(otherProfiles);
  }

  /** An immutable copy; an empty list becomes the shared empty one without copying an array. */
  private static <T> List<T> copy(List<T> list) {
    return list.isEmpty() ? ImmutableList.of() : ImmutableList.copyOf(list);
  }

  static IngestResult duplicate(String eventId) {
    return new IngestResult(eventId, Outcome.DUPLICATE, Optional.empty(), false, List.of(), List.of(), List.of(), List.of(), List.of());
  }

  static IngestResult rejected(String eventId, List<String> problems) {
    return new IngestResult(eventId, Outcome.REJECTED, Optional.empty(), false, List.of(), problems, List.of(), List.of(), List.of());
  }
}
