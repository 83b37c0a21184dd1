package dev.clientele.identity.internal;

import static com.google.common.base.Preconditions.checkArgument;

import dev.clientele.identity.SurvivorshipRules;
import dev.clientele.core.Attribute;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.UndeliverableReason;
import dev.clientele.core.internal.TypedText;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * Combines profiles that turned out to be one person. The result does not depend on the order
 * of the input: the survivor is chosen by {@link SurvivorshipRules#survivor()} (by default the
 * most recently updated profile; ties: the smaller id), and every field combines by a
 * commutative, associative rule.
 *
 * <ul>
 *   <li>attributes: per name, by {@link SurvivorshipRules#attributeMerge(String)}; by default
 *       the latest observation wins ({@link Attribute#OBSERVATION_ORDER});
 *   <li>identifiers: all kept; an identifier on both sides keeps the widest seen-times, the
 *       most restrictive consent (a consent never set does not count) and the most restrictive
 *       deliverability (malformed, then any other undeliverable state, over deliverable; then
 *       the later report) and the earlier link time; every identifier keeps its
 *       {@link IdentifierState#linkedAt() link time};
 *   <li>lists: the latest subscribe and unsubscribe of each side; tags: union; orders: summed;
 *   <li>CCPA: the latest opt-out and the latest opt-in; event counts: summed;
 *   <li>created/first-active: earliest; updated/last-active: latest.
 * </ul>
 */
public final class Survivorship {
  /** Which profile's id survives: the latest {@code updatedAt}, then the smallest id. */
  public static final Comparator<Profile> SURVIVOR_ORDER =
      Comparator.comparing(Profile::updatedAt).reversed().thenComparing(Profile::id);

  // Greater is more restrictive: see moreRestrictive.
  private static final Comparator<Deliverability> DELIVERABILITY_ORDER =
      Comparator.comparing((Deliverability d) -> d.reason().filter(r -> r == UndeliverableReason.MALFORMED).isPresent())
          .thenComparing(d -> !d.isDeliverable())
          .thenComparing(d -> d.since().orElse(Instant.MIN))
          .thenComparing(d -> d.reason().map(Enum::ordinal).orElse(-1));

  private Survivorship() {}

  /** The profile whose id survives a merge of {@code profiles} under the default rules. */
  public static Profile survivor(List<Profile> profiles) {
    return survivor(profiles, SurvivorshipRules.DEFAULTS);
  }

  /** The profile whose id survives a merge of {@code profiles} under {@code rules}. */
  public static Profile survivor(List<Profile> profiles, SurvivorshipRules rules) {
    checkArgument(!profiles.isEmpty(), "profiles must not be empty");
    // A loop, not stream().min(...): the same first least profile (a later one replaces it
    // only if strictly less), without a stream pipeline per merge.
    Comparator<Profile> order = rules.survivor().order();
    List<Profile> list = profiles instanceof java.util.RandomAccess ? profiles : new java.util.ArrayList<>(profiles);
    Profile best = list.get(0);
    for (int i = 1; i < list.size(); i++) {
      Profile p = list.get(i);
      if (order.compare(best, p) > 0) {
        best = p;
      }
    }
    return java.util.Objects.requireNonNull(best); // as Optional.of in Stream.min
  }

  /** Merges under the default rules; see {@link #merge(List, SurvivorshipRules)}. */
  public static Profile.Builder merge(List<Profile> profiles) {
    return merge(profiles, SurvivorshipRules.DEFAULTS);
  }

  /**
   * Merges {@code profiles} into a builder carrying the survivor's id and version (the caller
   * sets the new version when it commits).
   *
   * @throws IllegalArgumentException if fewer than two profiles are given
   */
  public static Profile.Builder merge(List<Profile> profiles, SurvivorshipRules rules) {
    checkArgument(profiles.size() >= 2, "a merge needs at least two profiles: %s", profiles.size());
    return merge(profiles, survivor(profiles, rules), rules);
  }

  /**
   * Merges {@code profiles} into {@code survivor}, which the caller has chosen with
   * {@link #survivor(List, SurvivorshipRules)} under the same rules (so it is not chosen twice).
   *
   * @throws IllegalArgumentException if fewer than two profiles are given, or {@code survivor} is
   *     not one of them
   */
  public static Profile.Builder merge(List<Profile> profiles, Profile survivor, SurvivorshipRules rules) {
    checkArgument(profiles.size() >= 2, "a merge needs at least two profiles: %s", profiles.size());
    boolean among = false;
    for (Profile p : profiles) {
      among |= p == survivor; // the same instance: the loop below skips it by identity
    }
    checkArgument(among, "the survivor %s is not one of the profiles merged", survivor.id());
    Profile.Builder b = survivor.toBuilder();
    for (Profile other : profiles) {
      if (other == survivor) {
        continue;
      }
      b.createdAt(min(b.createdAt(), other.createdAt()));
      b.updatedAt(max(b.updatedAt(), other.updatedAt()));
      b.activity(
          combine(b.firstActive(), other.firstActive(), Survivorship::min),
          combine(b.lastActive(), other.lastActive(), Survivorship::max));
      for (IdentifierState s : other.identifiers()) {
        b.putIdentifier(b.identifier(s.identifier()).map(mine -> combine(mine, s)).orElse(s));
      }
      for (Attribute a : other.attributes().values()) {
        Attribute mine = b.attributes().get(a.name());
        b.putAttribute(mine == null ? a : combine(mine, a, rules.attributeMerge(a.name())));
      }
      for (ListSubscription l : other.lists().values()) {
        Optional<ListSubscription> mine = Optional.ofNullable(b.lists().get(l.list()));
        ListSubscription merged = mine.orElse(null);
        if (l.subscribedAt().isPresent()) {
          merged = ListSubscription.apply(Optional.ofNullable(merged), l.list(), true, l.subscribedAt().get());
        }
        if (l.unsubscribedAt().isPresent()) {
          merged = ListSubscription.apply(Optional.ofNullable(merged), l.list(), false, l.unsubscribedAt().get());
        }
        if (merged != null) {
          b.putList(merged);
        }
      }
      other.tags().forEach(b::addTag);
      b.orders(b.orders().plus(other.orders()));
      b.ccpa(
          combine(b.ccpaOptOutAt(), other.ccpaOptOutAt(), Survivorship::max),
          combine(b.ccpaOptInAt(), other.ccpaOptInAt(), Survivorship::max));
      b.eventCount(b.eventCount() + other.eventCount());
      b.addMergedFrom(other.mergedFrom());
      b.addMergedFrom(List.of(other.id()));
    }
    return b;
  }

  /**
   * {@link SurvivorshipRules.AttributeMerge#OLDEST}'s preference: of two observations, the earlier
   * one in {@link Attribute#OBSERVATION_ORDER} ranks greater.
   */
  public static final Comparator<Attribute> EARLIEST = Attribute.OBSERVATION_ORDER.reversed();

  /**
   * {@link SurvivorshipRules.AttributeMerge#FIRST_NON_EMPTY}'s preference: a known value ranks
   * above an empty one, then the earlier observation ranks greater.
   */
  public static final Comparator<Attribute> EARLIEST_KNOWN = Comparator.comparing(Attribute::isKnown).thenComparing(EARLIEST);

  /**
   * Which observation of an attribute each profile keeps as events arrive, under {@code rules}:
   * per attribute name, the preference of its strategy ({@link #EARLIEST} for {@code OLDEST},
   * {@link #EARLIEST_KNOWN} for {@code FIRST_NON_EMPTY}), or null for the latest observation
   * (for {@code LATEST}, and for {@code SUM} and {@code UNION}, which combine the values of
   * different profiles only when they merge). Null when every strategy keeps the latest, so the
   * ingest path does not look names up. A profile then holds what a merge of its observations
   * under the same strategy would give, so such an attribute does not depend on arrival order.
   */
  public static java.util.function.Function<String, Comparator<Attribute>> withinProfile(SurvivorshipRules rules) {
    boolean any = keepsOther(rules.defaultAttributeMerge());
    for (SurvivorshipRules.AttributeMerge m : rules.attributeMerges().values()) {
      any |= keepsOther(m);
    }
    if (!any) {
      return null;
    }
    return name -> switch (rules.attributeMerge(name)) {
      case OLDEST -> EARLIEST;
      case FIRST_NON_EMPTY -> EARLIEST_KNOWN;
      case LATEST, SUM, UNION -> null;
    };
  }

  private static boolean keepsOther(SurvivorshipRules.AttributeMerge m) {
    return m == SurvivorshipRules.AttributeMerge.OLDEST || m == SurvivorshipRules.AttributeMerge.FIRST_NON_EMPTY;
  }

  /** Two values of one attribute under {@code strategy}; commutative and associative. */
  static Attribute combine(Attribute x, Attribute y, SurvivorshipRules.AttributeMerge strategy) {
    Attribute later = Attribute.OBSERVATION_ORDER.compare(x, y) >= 0 ? x : y;
    return switch (strategy) {
      case LATEST -> later;
      case OLDEST -> EARLIEST.compare(x, y) >= 0 ? x : y;
      case FIRST_NON_EMPTY -> EARLIEST_KNOWN.compare(x, y) >= 0 ? x : y;
      case SUM -> sum(x, y, later);
      case UNION -> union(x, y, later);
    };
  }

  private static Attribute sum(Attribute x, Attribute y, Attribute later) {
    boolean xn = x.value() instanceof Long || x.value() instanceof BigDecimal;
    boolean yn = y.value() instanceof Long || y.value() instanceof BigDecimal;
    if (!xn || !yn) {
      return xn ? x : yn ? y : later;
    }
    // Exact arithmetic; the result is a whole number (Long) when no side has a fraction and the
    // sum fits, else a decimal with the larger scale. Both rules depend only on the values summed,
    // so any grouping and order of a merge gives the same result.
    BigDecimal a = decimal(x.value());
    BigDecimal c = decimal(y.value());
    BigDecimal exact = a.add(c);
    Object total = exact;
    if (a.scale() <= 0 && c.scale() <= 0) {
      try {
        total = exact.longValueExact();
      } catch (ArithmeticException tooBig) {
        total = exact;
      }
    }
    try {
      return new Attribute(later.name(), total, later.source(), later.updatedAt());
    } catch (IllegalArgumentException beyondTheNumberBounds) {
      // A sum with more digits than an attribute may hold (two values near the bound): a merge
      // must not fail on it, or every later event linking the two people would fail too. The
      // later value is kept instead (in this extreme only, the result depends on the grouping).
      return later;
    }
  }

  private static BigDecimal decimal(Object v) {
    return v instanceof BigDecimal d ? d : BigDecimal.valueOf((Long) v);
  }

  private static Attribute union(Attribute x, Attribute y, Attribute later) {
    // In value order: by text, then type, so 1 and "1" stay two values and the order is fixed;
    // then by typed text, so neither do [1] and ["1"] (same text, same list class) collapse into
    // one. Equal values are kept once, by typed text (a map's entries in key order there), so two
    // equal maps whose keys iterate in different orders count as one (the first in value order).
    java.util.TreeMap<String, Object> byText = new java.util.TreeMap<>();
    for (Attribute a : List.of(x, y)) {
      List<?> values = a.value() instanceof List<?> l ? l : List.of(a.value());
      for (Object v : values) {
        byText.putIfAbsent(String.valueOf(v) + '\u0000' + v.getClass().getName() + '\u0000' + TypedText.of(v), v);
      }
    }
    java.util.Set<String> kept = new java.util.HashSet<>();
    List<Object> out = new java.util.ArrayList<>(byText.size());
    for (Object v : byText.values()) {
      if (kept.add(TypedText.of(v))) {
        out.add(v);
      }
    }
    return new Attribute(later.name(), List.copyOf(out), later.source(), later.updatedAt());
  }

  private static IdentifierState combine(IdentifierState a, IdentifierState b) {
    IdentifierState seen = a.seenAt(b.firstSeen(), false, b.source());
    if (b.lastSeen().isPresent()) {
      seen = seen.seenAt(b.lastSeen().get(), true, seen.source());
    }
    // A consent never set (unknown, no time) carries no information and does not override a
    // recorded one; two recorded values resolve to the more restrictive, at the later time.
    Consent consent = neverSet(a) ? b.consent() : neverSet(b) ? a.consent() : a.consent().mostRestrictive(b.consent());
    Optional<Instant> consentAt = combine(a.consentAt(), b.consentAt(), Survivorship::max);
    seen = new IdentifierState(
        seen.identifier(), seen.firstSeen(), seen.lastSeen(), seen.source(), seen.deliverability(), consent, consentAt,
        min(a.linkedAt(), b.linkedAt()));
    return seen.withDeliverability(moreRestrictive(a.deliverability(), b.deliverability()));
  }

  /**
   * The deliverability a merged identifier keeps, whichever side it comes from: malformed over
   * any other undeliverable state over deliverable; then the later report; then the greater
   * reason. Commutative, so a merge of three or more profiles does not depend on their order.
   */
  private static Deliverability moreRestrictive(Deliverability a, Deliverability b) {
    if (isMalformed(a) && isMalformed(b)) {
      // Malformed since the earliest event that carried the value, as ingestion keeps it (a
      // malformed value has one holder, so two sides hold it only after a forced merge of
      // states made elsewhere; the earlier time is the one a replay of both sides gives).
      return a.since().orElse(Instant.MAX).compareTo(b.since().orElse(Instant.MAX)) <= 0 ? a : b;
    }
    return DELIVERABILITY_ORDER.compare(a, b) >= 0 ? a : b;
  }

  private static boolean isMalformed(Deliverability d) {
    return d.reason().filter(r -> r == UndeliverableReason.MALFORMED).isPresent();
  }

  private static boolean neverSet(IdentifierState s) {
    return s.consent() == Consent.UNKNOWN && s.consentAt().isEmpty();
  }

  private static <T> Optional<T> combine(Optional<T> a, Optional<T> b, BinaryOperator<T> op) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isEmpty() ? a : Optional.of(op.apply(a.get(), b.get()));
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** Ids of {@code profiles} other than the survivor's under the default rules. */
  public static List<ProfileId> losers(List<Profile> profiles) {
    return losers(profiles, SurvivorshipRules.DEFAULTS);
  }

  /** Ids of {@code profiles} other than the survivor's under {@code rules}. */
  public static List<ProfileId> losers(List<Profile> profiles, SurvivorshipRules rules) {
    ProfileId keep = survivor(profiles, rules).id();
    return profiles.stream().map(Profile::id).filter(id -> !id.equals(keep)).toList();
  }
}
