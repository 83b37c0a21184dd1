package dev.clientele.identity;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.common.collect.ImmutableList;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Comparator;
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
  /**
   * Normalisations by raw identifier; and valid phone outcomes by {@link PhoneNormalizer#spellingKey}
   * (a {@code String}, so never equal to an {@code Identifier} key), shared by all spellings.
   */
  private final Optional<Cache<Object, NormalizedIdentifier>> cache;
  private final Comparator<Identifier> order;
  private final Map<IdentifierType, Set<String>> blockedByType = new java.util.concurrent.ConcurrentHashMap<>();
  /** The cache's loader: one instance, so a lookup allocates no capturing lambda. */
  private final java.util.function.Function<Object, NormalizedIdentifier> loader =
      k -> compute(normalizerOf(((Identifier) k).type()), (Identifier) k);

  /** A resolver applying {@code rules}. */
  public IdentityResolver(IdentityRules rules) {
    this.rules = requireNonNull(rules, "rules");
    this.order = Comparator.comparingInt((Identifier i) -> -rules.policy(i.type()).priority())
        .thenComparing(Comparator.naturalOrder());
    this.builtIn = Map.of(
        IdentifierType.EMAIL, new EmailNormalizer(),
        IdentifierType.PHONE, new PhoneNormalizer(rules.defaultRegion()));
    // Maintenance runs on the calling thread: handing it to the common pool costs a thread
    // wake-up (Unsafe.unpark) on the ingest path, more than the maintenance itself.
    this.cache = rules.cacheSize() == 0
        ? Optional.empty()
        : Optional.of(Caffeine.newBuilder().maximumSize(rules.cacheSize()).executor(Runnable::run).build());
    // The blocked values in each known type's normal form, once, up front.
    builtIn.forEach(this::blockedFor);
    rules.normalizers().forEach(this::blockedFor);
  }

  /** The rules in force. */
  public IdentityRules rules() {
    return rules;
  }

  /**
   * Normalises one identifier, including the blocked-value check. Results of the email, phone
   * and host-supplied normalisers are cached; types that are only stripped of white space
   * (customer and anonymous ids, by default) are not, since stripping and the blocked-value
   * check cost less than a cache lookup and would only crowd the cache. Nor are emails already
   * in normal form (ASCII, lower case, no surrounding white space, of the form
   * {@code local@domain.tld}): checking that costs less than a lookup, and normalising them
   * would give them back unchanged. Nor are their spellings that differ only by upper-case
   * ASCII letters or surrounding spaces: lower-casing and stripping them costs about what a
   * lookup does, and such spellings are many and seldom repeat, so caching them would mostly
   * add misses and evictions.
   *
   * <p>A phone number written with only ASCII digits, ASCII spaces, {@code - . ( ) /} (any white space around it) and a leading {@code +}
   * or {@code 00} is parsed once for all such spellings of it ({@code +1 201 555 0123},
   * {@code +1-201-555-0123}, {@code 001 201 555 0123} and {@code +12015550123} share one
   * parse; a national spelling such as {@code (201) 555-0123} has its own): a valid outcome is
   * cached under the spelling-free form, a malformed or blocked one under the raw spelling, since
   * it keeps that spelling's text. The result is the same as without any cache.
   */
  public NormalizedIdentifier normalize(Identifier raw) {
    requireNonNull(raw, "raw");
    IdentifierNormalizer n = normalizerOf(raw.type());
    return isValidAsIs(n, raw) ? NormalizedIdentifier.valid(raw) : normalizeFully(n, raw);
  }

  /** {@link #normalize} without the check for values already in normal form: the cache or the normaliser. */
  private NormalizedIdentifier normalizeFully(IdentifierNormalizer n, Identifier raw) {
    if (n == IdentifierNormalizer.STRIP || cache.isEmpty()
        || (n instanceof EmailNormalizer && EmailNormalizer.isAsciiVariantOfValid(raw.value()))) {
      return compute(n, raw);
    }
    if (n instanceof PhoneNormalizer phone) {
      String key = PhoneNormalizer.spellingKey(raw.value());
      if (key != null) {
        return normalizePhone(phone, raw, key, cache.get());
      }
    }
    return cache.get().get(raw, loader);
  }

  /**
   * A phone whose spelling key is {@code key}: a valid outcome cached under the key (any spelling
   * with that key parses to the same number, see {@link PhoneNormalizer#spellingKey}), any other
   * under the raw identifier. Two threads missing at once may both parse; they put equal values.
   */
  private NormalizedIdentifier normalizePhone(
      PhoneNormalizer phone, Identifier raw, String key, Cache<Object, NormalizedIdentifier> c) {
    NormalizedIdentifier shared = c.getIfPresent(key);
    if (shared != null) {
      return shared;
    }
    NormalizedIdentifier own = c.getIfPresent(raw);
    if (own != null) {
      return own;
    }
    NormalizedIdentifier parsed = phone.normalize(raw);
    NormalizedIdentifier result = withBlockedCheck(phone, raw, parsed);
    // Valid means the identifier is the E.164 text, the same for every spelling with this key;
    // so is the blocked check on it. Malformed and blocked-by-parse keep the raw text.
    c.put(parsed.status() == NormalizedIdentifier.Status.VALID ? key : raw, result);
    return result;
  }

  /** How many phone values libphonenumber has parsed (blocked-value set up included). For tests. */
  long phoneParses() {
    return ((PhoneNormalizer) builtIn.get(IdentifierType.PHONE)).parses();
  }

  /**
   * Normalises without any shortcut or cache: what {@link #normalize} must always equal. For
   * tests.
   */
  NormalizedIdentifier normalizeUncached(Identifier raw) {
    return compute(normalizerOf(raw.type()), raw);
  }

  /** How many normalisations the cache holds now. For tests. */
  long cachedEntries() {
    return cache.map(c -> {
      c.cleanUp();
      return c.estimatedSize();
    }).orElse(0L);
  }

  /**
   * Whether {@code raw} normalises to itself and is valid, decided without normalising: a value
   * of a stripped type with nothing to strip, or an email already in normal form, and not
   * blocked. False means only "not decided here".
   */
  private boolean isValidAsIs(IdentifierNormalizer n, Identifier raw) {
    String v = raw.value();
    if (n == IdentifierNormalizer.STRIP) {
      if (v.strip().length() != v.length()) {
        return false;
      }
    } else if (!(n instanceof EmailNormalizer) || !EmailNormalizer.isNormalAndValid(v)) {
      return false;
    }
    return !isBlocked(raw.type(), n, raw);
  }
  private IdentifierNormalizer normalizerOf(IdentifierType type) {
    IdentifierNormalizer n = rules.normalizers().get(type);
    if (n == null) {
      n = builtIn.getOrDefault(type, IdentifierNormalizer.STRIP);
    }
    return n;
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

  /**
   * Normalises the identifiers of {@code event} and sorts them. When normalisation changes no
   * identifier, the result carries {@code event} itself.
   */
  public ResolvedIdentifiers resolve(Event event) {
    requireNonNull(event, "event");
    List<Identifier> raws = event.identifiers();
    int n = raws.size();
    // The common event: every identifier valid as it is. An event's identifiers never repeat
    // (Event checks), so nothing folds: the linkable ones are the event's own, in priority order.
    int asIs = 0;
    while (asIs < n && isValidAsIs(normalizerOf(raws.get(asIs).type()), raws.get(asIs))) {
      asIs++;
    }
    if (asIs == n) {
      return new ResolvedIdentifiers(event, sorted(raws), ImmutableList.of(), ImmutableList.of(), ImmutableList.of());
    }
    // Normalised values in first-occurrence order; a value reached by several raw spellings
    // keeps the most usable status (valid, then malformed, then blocked), first one on ties.
    // A value valid as it is (the common case) has no NormalizedIdentifier: outcomes[i] stays
    // null and keys[i] is the raw identifier itself.
    Identifier[] keys = new Identifier[n];
    NormalizedIdentifier[] outcomes = null;
    int distinct = 0;
    boolean unchanged = true;
    boolean allValid = true;
    for (int i = 0; i < n; i++) { // by index: no iterator per event
      Identifier raw = raws.get(i);
      IdentifierNormalizer normalizer = normalizerOf(raw.type());
      // The first asIs were found valid as they are above: not checked again.
      NormalizedIdentifier norm = i < asIs || isValidAsIs(normalizer, raw) ? null : normalizeFully(normalizer, raw);
      Identifier key = norm == null ? raw : norm.identifier();
      NormalizedIdentifier.Status status = norm == null ? NormalizedIdentifier.Status.VALID : norm.status();
      int at = -1;
      for (int j = 0; j < distinct; j++) {
        if (keys[j].equals(key)) {
          at = j;
          break;
        }
      }
      if (at < 0) {
        unchanged &= key.equals(raw);
        allValid &= status == NormalizedIdentifier.Status.VALID && (norm == null || norm.problem().isEmpty());
        if (norm != null) {
          if (outcomes == null) {
            outcomes = new NormalizedIdentifier[n];
          }
          outcomes[distinct] = norm;
        }
        keys[distinct++] = key;
      } else {
        unchanged = false;
        NormalizedIdentifier.Status before =
            outcomes == null || outcomes[at] == null ? NormalizedIdentifier.Status.VALID : outcomes[at].status();
        if (status.compareTo(before) < 0) {
          keys[at] = key;
          outcomes[at] = norm; // outcomes exists: a status worse than VALID came from a NormalizedIdentifier
        }
      }
    }
    List<Identifier> linkable;
    List<Identifier> malformed = ImmutableList.of(); // Guava's own: ResolvedIdentifiers takes it without a copy
    List<Identifier> blocked = ImmutableList.of();
    List<String> problems = ImmutableList.of();
    if (allValid) {
      linkable = sorted(keys, distinct);
    } else {
      List<Identifier> valid = new ArrayList<>(distinct);
      for (int i = 0; i < distinct; i++) {
        NormalizedIdentifier norm = outcomes[i];
        if (norm == null) {
          valid.add(keys[i]);
          continue;
        }
        switch (norm.status()) {
          case VALID -> valid.add(norm.identifier());
          case MALFORMED -> malformed = added(malformed, norm.identifier());
          case BLOCKED -> blocked = added(blocked, norm.identifier());
        }
        if (norm.problem().isPresent()) {
          problems = added(problems,
              norm.identifier().type() + " " + norm.status().name().toLowerCase(Locale.ROOT) + ": " + norm.problem().get());
        }
      }
      if (valid.size() > 1) {
        valid.sort(order);
      }
      linkable = valid;
      if (malformed.size() > 1) {
        malformed.sort(order);
      }
    }
    Event normalized = unchanged ? event : event.withIdentifiers(Arrays.asList(keys).subList(0, distinct));
    return new ResolvedIdentifiers(normalized, linkable, malformed, blocked, problems);
  }

  /**
   * {@code ids} in priority order, as an immutable list: {@code ids} itself when it is an
   * immutable list already in that order (an event's list usually is, or has one element).
   */
  private List<Identifier> sorted(List<Identifier> ids) {
    if (ids instanceof ImmutableList<Identifier> list) {
      boolean inOrder = true;
      for (int i = 1; i < list.size() && inOrder; i++) {
        inOrder = order.compare(list.get(i - 1), list.get(i)) <= 0;
      }
      if (inOrder) {
        return list;
      }
    }
    return ImmutableList.sortedCopyOf(order, ids);
  }

  /** The first {@code n} of {@code ids} in priority order, as an immutable list. */
  private List<Identifier> sorted(Identifier[] ids, int n) {
    switch (n) {
      case 1:
        return ImmutableList.of(ids[0]);
      case 2:
        return order.compare(ids[0], ids[1]) <= 0 ? ImmutableList.of(ids[0], ids[1]) : ImmutableList.of(ids[1], ids[0]);
      default:
        return ImmutableList.sortedCopyOf(order, Arrays.asList(ids).subList(0, n));
    }
  }

  /** {@code list} with {@code value} added, as a mutable list (starting from an immutable empty one). */
  private static <T> List<T> added(List<T> list, T value) {
    List<T> out = list.isEmpty() ? new ArrayList<>(2) : list;
    out.add(value);
    return out;
  }

  private NormalizedIdentifier compute(IdentifierNormalizer n, Identifier raw) {
    return withBlockedCheck(n, raw, n.normalize(raw));
  }

  /** {@code result}, {@code n}'s outcome for {@code raw}, marked blocked if its value is. */
  private NormalizedIdentifier withBlockedCheck(IdentifierNormalizer n, Identifier raw, NormalizedIdentifier result) {
    if (isBlocked(raw.type(), n, result.identifier())) {
      return new NormalizedIdentifier(result.identifier(), NormalizedIdentifier.Status.BLOCKED, Optional.of("value is blocked"));
    }
    return result;
  }

  /** Whether {@code normalized}, a value of {@code type} after {@code n}, is one of the blocked values. */
  private boolean isBlocked(IdentifierType type, IdentifierNormalizer n, Identifier normalized) {
    String value = normalized.value();
    // toLowerCase returns the value itself when it has nothing to lower, so this allocates
    // only for values with upper-case letters.
    return blockedFor(type, n).contains(value.toLowerCase(Locale.ROOT))
        || isAllZeroPhone(normalized) || rules.matchesBlockedPattern(value);
  }

  /**
   * The blocked values as they look after this type's normalisation (so a blocked phone written
   * {@code (650) 555-0100} also blocks {@code +16505550100}), plus the values as configured.
   */
  private Set<String> blockedFor(IdentifierType type, IdentifierNormalizer normalizer) {
    Set<String> known = blockedByType.get(type); // every known type's set is there from the start
    if (known != null) {
      return known;
    }
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
    // Some ASCII digit, and every ASCII digit a zero (other characters do not count).
    String v = id.value();
    boolean digit = false;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c >= '1' && c <= '9') {
        return false;
      }
      digit |= c == '0';
    }
    return digit;
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
