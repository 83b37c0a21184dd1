package dev.clientele.identity;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Identifier;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Why a profile's identifiers are one person: each link that brought identifiers together, with
 * the event or operator action and the rule that made it, oldest first.
 *
 * <p>Identifiers carried by one event attach to one profile ({@link Kind#ATTACHED}); profiles
 * holding identifiers that one event carried are merged ({@link Kind#MERGED}); an operator may
 * force a merge ({@link Kind#FORCED_MERGE}) or split one ({@link Kind#SPLIT}). Links reach back
 * through the profiles merged into this one. {@code toString} masks identifier values.
 *
 * <pre>{@code
 * for (Explanation.Link link : clientele.explain(profileId).links()) {
 *   System.out.println(link.kind() + " " + link.at() + " " + link.identifiers() + ": " + link.rule());
 * }
 * }</pre>
 *
 * @param profile the profile explained
 * @param links the links, oldest first
 */
public record Explanation(ProfileId profile, List<Link> links) {
  /** What made a link. */
  public enum Kind {
    /** Identifiers first seen together in one event (or a profile's first identifiers). */
    ATTACHED,
    /** Profiles merged because one event carried identifiers they held. */
    MERGED,
    /** Profiles merged by an operator, overriding the identity rules. */
    FORCED_MERGE,
    /** A merge undone by an operator. */
    SPLIT
  }

  /**
   * One link.
   *
   * @param kind what made it
   * @param at when
   * @param eventId the event that made it; empty for operator actions, and for an {@link
   *     Kind#ATTACHED} link whose event was erased: stored on the side of a split whose person was
   *     erased since, it was theirs (erasure keeps for the others only its consent and
   *     deliverability part, which never attaches an identifier it did not carry); {@code at} is
   *     then the identifier's first sighting
   * @param identifiers for {@link Kind#ATTACHED}, the identifiers attached (with the profile's
   *     identifiers the event also carried); for a merge, the identifiers that linked the profiles;
   *     for a split, the identifiers given back to the restored profiles
   * @param profiles the other profiles involved: absorbed by a merge, restored by a split
   * @param into the profile that absorbed the others or was split
   * @param mergeRecord the id of the merge-log record, for merges and splits
   * @param rule the rule or reason, in words, without personal data
   */
  public record Link(
      Kind kind,
      Instant at,
      Optional<String> eventId,
      List<Identifier> identifiers,
      List<ProfileId> profiles,
      ProfileId into,
      Optional<String> mergeRecord,
      String rule) {
    /** Validates and copies. */
    public Link {
      requireNonNull(kind, "kind");
      requireNonNull(at, "at");
      requireNonNull(eventId, "eventId");
      identifiers = ImmutableList.copyOf(requireNonNull(identifiers, "identifiers"));
      profiles = ImmutableList.copyOf(requireNonNull(profiles, "profiles"));
      requireNonNull(into, "into");
      requireNonNull(mergeRecord, "mergeRecord");
      requireNonNull(rule, "rule");
    }
  }

  /** Validates and copies. */
  public Explanation {
    requireNonNull(profile, "profile");
    links = ImmutableList.copyOf(requireNonNull(links, "links"));
  }
}
