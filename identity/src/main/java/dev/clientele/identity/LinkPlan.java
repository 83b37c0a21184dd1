package dev.clientele.identity;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Identifier;
import dev.clientele.core.ProfileId;
import java.util.List;

/**
 * What an event's identifiers do: which existing profiles become one, which identifiers attach,
 * and what was refused.
 *
 * @param profiles the existing profiles the event resolves to, sorted; more than one means a
 *     merge; empty means a new profile
 * @param attach identifiers no profile holds yet that join the resolved profile, priority order
 * @param anchor the identifier the stored event is keyed by: held by one of {@code profiles} or in {@code attach}
 * @param refusals identifiers dropped from the link, with the rule that dropped them
 */
public record LinkPlan(List<ProfileId> profiles, List<Identifier> attach, Identifier anchor, List<Refusal> refusals) {
  /**
   * An identifier dropped from a link.
   *
   * @param identifier the identifier (its {@code toString} masks the value)
   * @param rule which rule refused it
   * @param reason the rule in words, no personal data
   */
  public record Refusal(Identifier identifier, Rule rule, String reason) {
    /** Validates the refusal. */
    public Refusal {
      requireNonNull(identifier, "identifier");
      requireNonNull(rule, "rule");
      requireNonNull(reason, "reason");
    }
  }

  /** The rules that refuse links. */
  public enum Rule {
    /** Two different values of a unique type would meet on one profile. */
    UNIQUE_CONFLICT,
    /** A type's limit of values per profile (per window) would be exceeded. */
    LIMIT,
    /** The type only attaches and may not join two profiles. */
    ATTACH_ONLY,
    /** The cap on identifiers per profile would be exceeded. */
    IDENTIFIER_CAP,
    /** The cap on merged profiles per profile would be exceeded. */
    MERGE_CAP,
    /** A malformed value held by another profile: never used to link. */
    MALFORMED_ELSEWHERE,
    /** The profiles were split apart by an operator; only a forced merge joins them. */
    SEPARATED
  }

  /** Validates and copies (Guava's {@code copyOf} keeps a list that is immutable already as it is). */
  public LinkPlan {
    profiles = ImmutableList.copyOf(requireNonNull(profiles, "profiles"));
    attach = ImmutableList.copyOf(requireNonNull(attach, "attach"));
    requireNonNull(anchor, "anchor");
    refusals = ImmutableList.copyOf(requireNonNull(refusals, "refusals"));
  }
}
