package dev.clientele.identity;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Normalises an event's identifiers and sorts them into linkable, malformed and blocked, by
 * {@link IdentityRules}. Thread-safe.
 *
 * <p>Linkable and malformed identifiers come out in priority order ({@link IdentifierPolicy#priority()},
 * highest first; by default customer id, email, phone, push token, host-defined types,
 * anonymous id); the first one keys the stored event.
 */
public final class IdentityResolver {
  /** The default priority order (that of {@link IdentityRules#DEFAULT_POLICIES}). */
  public static final Comparator<Identifier> PRIORITY =
      Comparator.comparingInt((Identifier i) -> rank(i.type())).thenComparing(Comparator.naturalOrder());

  private final IdentityRules rules;
  private final Map<IdentifierType, IdentifierNormalizer> builtIn;
  private final Optional<Cache<Identifier, NormalizedIdentifier>> cache;
  private final Comparator<Identifier> order;
  private final Map<IdentifierType, Set<String>> blockedByType = new java.util.concurrent.ConcurrentHashMap<>();

  /** A resolver applying {@code rules}. */
  public IdentityResolver(IdentityRules rules) {
    this.rules = requireNonNull(rules, "rules");
    this.order = Comparator.comparingInt((Identifier i) -> -rules.policy(i.type()).priority())
        .thenComparing(Comparator.naturalOrder());
    this.builtIn = Map.of(
        IdentifierType.EMAIL, new EmailNormalizer(),
        IdentifierType.PHONE, new PhoneNormalizer(rules.defaultRegion()));
    this.cache = rules.cacheSize() == 0
        ? Optional.empty()
        : Optional.of(Caffeine.newBuilder().maximumSize(rules.cacheSize()).build());
    // The blocked values in each known type's normal form, once, up front.
    builtIn.forEach(this::blockedFor);
    rules.normalizers().forEach(this::blockedFor);
  }

  /** The rules in force. */
  public IdentityRules rules() {
    return rules;
  }

  /** Normalises one identifier (cached), including the blocked-value check. */
  public NormalizedIdentifier normalize(Identifier raw) {
    requireNonNull(raw, "raw");
    return cache.isPresent() ? cache.get().get(raw, this::compute) : compute(raw);
  }

  /**
   * Drops every cached normalisation whose result is one of {@code normalized} (used by erasure,
   * so no erased value stays in memory).
   *
   * @return how many cache entries were dropped
   */
  public int forget(java.util.Collection<Identifier> normalized) {
    requireNonNull(normalized, "normalized");
    if (cache.isEmpty() || normalized.isEmpty()) {
      return 0;
    }
    java.util.Set<Identifier> gone = java.util.Set.copyOf(normalized);
    int[] n = {0};
    cache.get().asMap().entrySet().removeIf(e -> {
      boolean match = gone.contains(e.getValue().identifier()) || gone.contains(e.getKey());
      if (match) {
        n[0]++;
      }
      return match;
    });
    return n[0];
  }

  /** Normalises the identifiers of {@code event} and sorts them. */
  public ResolvedIdentifiers resolve(Event event) {
    requireNonNull(event, "event");
    Map<Identifier, NormalizedIdentifier> seen = new LinkedHashMap<>();
    for (Identifier raw : event.identifiers()) {
      NormalizedIdentifier n = normalize(raw);
      NormalizedIdentifier before = seen.get(n.identifier());
      if (before == null || n.status().compareTo(before.status()) < 0) {
        seen.put(n.identifier(), n);
      }
    }
    List<Identifier> linkable = new ArrayList<>();
    List<Identifier> malformed = new ArrayList<>();
    List<Identifier> blocked = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (NormalizedIdentifier n : seen.values()) {
      switch (n.status()) {
        case VALID -> linkable.add(n.identifier());
        case MALFORMED -> malformed.add(n.identifier());
        case BLOCKED -> blocked.add(n.identifier());
      }
      n.problem().ifPresent(p -> problems.add(n.identifier().type() + " " + n.status().name().toLowerCase(Locale.ROOT) + ": " + p));
    }
    linkable.sort(order);
    malformed.sort(order);
    Event normalized = event.withIdentifiers(new ArrayList<>(seen.keySet()));
    return new ResolvedIdentifiers(normalized, linkable, malformed, blocked, problems);
  }

  private NormalizedIdentifier compute(Identifier raw) {
    IdentifierNormalizer n = rules.normalizers().get(raw.type());
    if (n == null) {
      n = builtIn.getOrDefault(raw.type(), IdentifierNormalizer.STRIP);
    }
    NormalizedIdentifier result = n.normalize(raw);
    String lower = result.identifier().value().toLowerCase(Locale.ROOT);
    if (blockedFor(raw.type(), n).contains(lower)
        || isAllZeroPhone(result.identifier()) || rules.matchesBlockedPattern(result.identifier().value())) {
      return new NormalizedIdentifier(result.identifier(), NormalizedIdentifier.Status.BLOCKED, Optional.of("value is blocked"));
    }
    return result;
  }

  /**
   * The blocked values as they look after this type's normalisation (so a blocked phone written
   * {@code (650) 555-0100} also blocks {@code +16505550100}), plus the values as configured.
   */
  private Set<String> blockedFor(IdentifierType type, IdentifierNormalizer normalizer) {
    return blockedByType.computeIfAbsent(type, t -> {
      Set<String> out = new HashSet<>(rules.blockedValues());
      for (String v : rules.blockedValues()) {
        try {
          NormalizedIdentifier n = normalizer.normalize(Identifier.of(t, v));
          if (n.status() == NormalizedIdentifier.Status.VALID) {
            out.add(n.identifier().value().toLowerCase(Locale.ROOT));
          }
        } catch (IllegalArgumentException notAValueOfThisType) {
          // e.g. too long for the type: it cannot occur as a value of it either
        }
      }
      return Set.copyOf(out);
    });
  }

  private static boolean isAllZeroPhone(Identifier id) {
    if (!id.type().equals(IdentifierType.PHONE)) {
      return false;
    }
    String digits = id.value().replaceAll("[^0-9]", "");
    return !digits.isEmpty() && digits.chars().allMatch(c -> c == '0');
  }

  private static int rank(IdentifierType t) {
    if (t.equals(IdentifierType.CUSTOMER_ID)) {
      return 0;
    }
    if (t.equals(IdentifierType.EMAIL)) {
      return 1;
    }
    if (t.equals(IdentifierType.PHONE)) {
      return 2;
    }
    if (t.equals(IdentifierType.PUSH_TOKEN)) {
      return 3;
    }
    return t.isAnonymous() ? 5 : 4;
  }
}
