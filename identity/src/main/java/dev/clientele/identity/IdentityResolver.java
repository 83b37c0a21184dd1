package dev.clientele.identity;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.common.collect.ImmutableList;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.util.Arrays;
import java.util.HashMap;
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
 *
 * <p>Memory: what it keeps is bounded whatever the events bring. The normalisation cache is
 * bounded by estimated bytes ({@link IdentityRules#cacheSize}); what it looks up once per
 * identifier type (normaliser, blocked values) it keeps for the rules' types and at most 1,024
 * types in all, since identifier types come from event data (a type beyond that is looked up for
 * each use). {@link #forget} and {@link #forgetSpellings} drop an erased person's cached values.
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
  /**
   * Per identifier type asked about: its normaliser and blocked values ({@link Kind}); the types
   * of the rules first, then those of events, up to {@link #MAX_KINDS} types in all.
   */
  private final Map<IdentifierType, Kind> kinds = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The most identifier types whose {@link Kind} {@link #kinds} keeps. Identifier types come from
   * event data (an event's identifier keys), which clients choose: without a bound, events
   * naming ever new types would grow the map for as long as the instance runs. A type beyond it
   * (never one of the rules': those are kept first) has its kind made again for each use, which
   * costs a few string operations per identifier of it.
   */
  static final int MAX_KINDS = 1_024;
  /**
   * The kinds of the built-in types' shared constants (what parsing gives), so that the per
   * identifier questions "which normaliser" and "which blocked values" cost a reference
   * comparison instead of three map lookups.
   */
  private final Kind email;
  private final Kind phone;
  private final Kind pushToken;
  private final Kind customerId;
  private final Kind anonymousId;
  // The cache's figures (cacheStats), counted here rather than by Caffeine's recordStats,
  // which would also time every load (two clock reads per miss): one LongAdder add per lookup.
  /** Lookups of the cache: one per identifier normalised through it (not per probe of a phone). */
  private final java.util.concurrent.atomic.LongAdder cacheLookups = new java.util.concurrent.atomic.LongAdder();
  /** Lookups that found nothing, so the value was normalised. */
  private final java.util.concurrent.atomic.LongAdder cacheMisses = new java.util.concurrent.atomic.LongAdder();
  /** Entries evicted by the weight bound (not those {@link #forget} drops). */
  private final java.util.concurrent.atomic.LongAdder cacheEvictions = new java.util.concurrent.atomic.LongAdder();
  /** The estimated bytes ({@link #weight}) of the evicted entries. */
  private final java.util.concurrent.atomic.LongAdder cacheEvictedBytes = new java.util.concurrent.atomic.LongAdder();
  /** The cache's loader: one instance, so a lookup allocates no capturing lambda. Counts a miss. */
  private final java.util.function.Function<Object, NormalizedIdentifier> loader = k -> {
    cacheMisses.increment();
    return compute(kindOf(((Identifier) k).type()).normalizer, (Identifier) k);
  };

  /** The problem of a blocked value, one instance shared by the resolver's blocked outcomes. */
  private static final Optional<String> BLOCKED_PROBLEM = Optional.of("value is blocked");

  /** What {@link #asIs} found: not decided there, valid as it is, or blocked as it is. */
  private static final int UNDECIDED = 0;
  private static final int VALID_AS_IS = 1;
  private static final int BLOCKED_AS_IS = 2;
  /** What {@link #asIs} found: valid as it is, but a blocked pattern could not decide it in time, so blocked. */
  private static final int TIMED_OUT_AS_IS = 3;

  /**
   * The problem of a value blocked because a blocked pattern could not decide it within {@link
   * IdentityRules#MAX_PATTERN_READS}.
   */
  private static final Optional<String> TIMED_OUT_PROBLEM = Optional.of("value is blocked (blocked pattern timed out)");

  /**
   * What the resolver needs of one identifier type, looked up once per type: its normaliser
   * ({@link #normalizerOf}), its blocked values in normal form ({@link #blockedFor}) and the
   * problem line of a value of the type blocked with {@link #BLOCKED_PROBLEM}.
   */
  private static final class Kind {
    final IdentifierNormalizer normalizer;
    final Set<String> blocked;
    final String blockedLine;

    Kind(IdentifierType type, IdentifierNormalizer normalizer, Set<String> blocked) {
      this.normalizer = normalizer;
      this.blocked = blocked;
      this.blockedLine = problemLine(type, NormalizedIdentifier.Status.BLOCKED, BLOCKED_PROBLEM.get());
    }
  }

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
        : Optional.of(Caffeine.newBuilder()
            .maximumWeight(rules.cacheSize() > Long.MAX_VALUE / IdentityRules.CACHE_BYTES_PER_ENTRY
                ? Long.MAX_VALUE : rules.cacheSize() * IdentityRules.CACHE_BYTES_PER_ENTRY)
            .weigher(IdentityResolver::weight)
            .executor(Runnable::run)
            .evictionListener((Object key, NormalizedIdentifier value, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
              if (cause.wasEvicted() && key != null && value != null) {
                cacheEvictions.increment();
                cacheEvictedBytes.add(weight(key, value));
              }
            })
            .build());
    // The blocked values in each known type's normal form, once, up front.
    builtIn.keySet().forEach(this::kindFromMap);
    rules.normalizers().keySet().forEach(this::kindFromMap);
    rules.policies().keySet().forEach(this::kindFromMap);
    this.email = kindFromMap(IdentifierType.EMAIL);
    this.phone = kindFromMap(IdentifierType.PHONE);
    this.pushToken = kindFromMap(IdentifierType.PUSH_TOKEN);
    this.customerId = kindFromMap(IdentifierType.CUSTOMER_ID);
    this.anonymousId = kindFromMap(IdentifierType.ANONYMOUS_ID);
  }

  /** The {@link Kind} of {@code type}: the built-in constants by reference, any other instance through the map. */
  private Kind kindOf(IdentifierType type) {
    if (type == IdentifierType.EMAIL) {
      return email;
    } else if (type == IdentifierType.ANONYMOUS_ID) {
      return anonymousId;
    } else if (type == IdentifierType.CUSTOMER_ID) {
      return customerId;
    } else if (type == IdentifierType.PHONE) {
      return phone;
    } else if (type == IdentifierType.PUSH_TOKEN) {
      return pushToken;
    }
    return kindFromMap(type);
  }

  /** The {@link Kind} of {@code type} from the map, made on first use. */
  private Kind kindFromMap(IdentifierType type) {
    Kind known = kinds.get(type);
    if (known != null) {
      return known;
    }
    if (kinds.size() >= MAX_KINDS) { // (racing threads may add a few more: bounded all the same)
      IdentifierNormalizer n = normalizerOf(type);
      return new Kind(type, n, blockedFor(type, n));
    }
    return kinds.computeIfAbsent(type, t -> {
      IdentifierNormalizer n = normalizerOf(t);
      return new Kind(t, n, blockedFor(t, n));
    });
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
   * add misses and evictions. Nor are values longer than {@link #MAX_CACHED_LENGTH} characters:
   * only clients' junk is that long. The cache is bounded by estimated bytes ({@link
   * IdentityRules#cacheSize}), so long values that are cached take the room of several short ones.
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
    NormalizedIdentifier norm = outcomeOrNull(kindOf(raw.type()), raw);
    return norm == null ? NormalizedIdentifier.valid(raw) : norm;
  }

  /** {@link #outcomeOrNull(Kind, Identifier, int)} with {@link #asIs} decided here. */
  private NormalizedIdentifier outcomeOrNull(Kind k, Identifier raw) {
    return outcomeOrNull(k, raw, asIs(k, raw));
  }

  /**
   * The normalisation of {@code raw}, of kind {@code k}, given what {@link #asIs} found for it:
   * null when it is valid as it is (the caller uses {@code raw}); a blocked outcome without
   * normalising when it is blocked as it is; else the cache or the normaliser.
   */
  private NormalizedIdentifier outcomeOrNull(Kind k, Identifier raw, int asIs) {
    return asIs == VALID_AS_IS ? null : asIs == BLOCKED_AS_IS ? blocked(raw)
        : asIs == TIMED_OUT_AS_IS ? new NormalizedIdentifier(raw, NormalizedIdentifier.Status.BLOCKED, TIMED_OUT_PROBLEM)
        : normalizeFully(k.normalizer, raw);
  }

  /**
   * The outcome of a value that normalises to itself and is blocked: what normalising and the
   * blocked check give for it ({@link #withBlockedCheck} of a valid outcome whose identifier
   * equals {@code raw}).
   */
  private static NormalizedIdentifier blocked(Identifier raw) {
    return new NormalizedIdentifier(raw, NormalizedIdentifier.Status.BLOCKED, BLOCKED_PROBLEM);
  }

  /** {@link #normalize} without the check for values already in normal form: the cache or the normaliser. */
  private NormalizedIdentifier normalizeFully(IdentifierNormalizer n, Identifier raw) {
    if (n == IdentifierNormalizer.STRIP || cache.isEmpty() || raw.value().length() > MAX_CACHED_LENGTH
        || (n instanceof EmailNormalizer && EmailNormalizer.isAsciiVariantOfValid(raw.value()))) {
      return compute(n, raw);
    }
    if (n instanceof PhoneNormalizer phone) {
      String key = PhoneNormalizer.spellingKey(raw.value());
      if (key != null) {
        cacheLookups.increment();
        return normalizePhone(phone, raw, key, cache.get());
      }
    }
    cacheLookups.increment();
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
    cacheMisses.increment();
    NormalizedIdentifier parsed = phone.normalize(raw);
    NormalizedIdentifier result = withBlockedCheck(raw, parsed);
    // Valid means the identifier is the E.164 text, the same for every spelling with this key;
    // so is the blocked check on it. Malformed and blocked-by-parse keep the raw text.
    c.put(parsed.status() == NormalizedIdentifier.Status.VALID ? key : raw, result);
    return result;
  }

  /**
   * The longest raw value whose normalisation is cached: longer than any valid email (254) or
   * phone, so a longer one is malformed or host-defined, and normalising it again costs about
   * what reading it did. Without this bound, clients choosing long junk values fill the cache
   * with them.
   */
  static final int MAX_CACHED_LENGTH = 256;

  /**
   * The estimated heap bytes of one cache entry beyond its strings' characters: the cache's node
   * and map slot, the key {@link Identifier}, the {@link NormalizedIdentifier}, its identifier,
   * the raw string's object and their headers. With {@link #weight} it errs high: entries of
   * short values weighed 300 to 370 estimated bytes and took 240 to 300 measured (compressed
   * references).
   */
  static final int ENTRY_OVERHEAD_BYTES = 240;

  /**
   * The estimated heap bytes of the entry {@code key} to {@code value}, for the cache's
   * weight bound: {@link #ENTRY_OVERHEAD_BYTES} plus two bytes per character of each string it
   * holds (an upper bound: Latin-1 text takes one), the normalised value counted apart from the
   * raw one only when it is another string.
   */
  static int weight(Object key, NormalizedIdentifier value) {
    String raw = key instanceof Identifier id ? id.value() : (String) key;
    String normalized = value.identifier().value();
    long bytes = ENTRY_OVERHEAD_BYTES + 2L * raw.length()
        + (normalized == raw ? 0 : STRING_BYTES + 2L * normalized.length())
        + value.problem().map(p -> 2L * p.length()).orElse(0L);
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }

  /** The estimated heap bytes of a string beyond its characters: its object and its array's header. */
  private static final int STRING_BYTES = 40;

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

  /**
   * The figures of the normalisation cache now: lookups, misses, evictions, entries and estimated
   * bytes. All zero when the cache is off ({@link IdentityRules#cacheSize} 0). Thread-safe; the
   * figures are read one after the other while other threads may normalise, so they are
   * consistent only when nothing else runs.
   */
  public NormalizationCacheStats cacheStats() {
    if (cache.isEmpty()) {
      return NormalizationCacheStats.NONE;
    }
    Cache<Object, NormalizedIdentifier> c = cache.get();
    var eviction = c.policy().eviction();
    long maximum = eviction.map(e -> e.getMaximum()).orElse(0L);
    long weighted = eviction.map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    long misses = cacheMisses.sum();
    // Read the misses first: a lookup counted between the two reads adds a hit, never a negative.
    long lookups = Math.max(cacheLookups.sum(), misses);
    return new NormalizationCacheStats(
        lookups - misses, misses, cacheEvictions.sum(), cacheEvictedBytes.sum(), c.estimatedSize(), weighted, maximum);
  }

  /** How many identifier types' {@link Kind}s are kept. For tests. */
  int keptKinds() {
    return kinds.size();
  }

  /** How many normalisations the cache holds now. For tests. */
  long cachedEntries() {
    return cache.map(c -> {
      c.cleanUp();
      return c.estimatedSize();
    }).orElse(0L);
  }

  /**
   * Whether {@code raw} (of kind {@code k}) normalises to itself, decided without normalising: a
   * value of a stripped type with nothing to strip, or an email already in normal form. Then
   * {@link #VALID_AS_IS} or, when it is one of the blocked values, {@link #BLOCKED_AS_IS}, which
   * is what normalising and the blocked check would give; {@link #UNDECIDED} otherwise.
   */
  private int asIs(Kind k, Identifier raw) {
    IdentifierNormalizer n = k.normalizer;
    String v = raw.value();
    if (n == IdentifierNormalizer.STRIP) {
      if (v.strip().length() != v.length()) {
        return UNDECIDED;
      }
    } else if (!(n instanceof EmailNormalizer) || !EmailNormalizer.isNormalAndValid(v)) {
      return UNDECIDED;
    }
    Optional<String> why = blockedProblem(k.blocked, raw);
    return why == null ? VALID_AS_IS : why == BLOCKED_PROBLEM ? BLOCKED_AS_IS : TIMED_OUT_AS_IS;
  }

  /** The normaliser of {@code type}: the host's, else the built-in one, else stripping. */
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
   * Drops the cached normalisations of these identifiers as an event carried them (raw
   * spellings, before normalisation): for an event refused because it names an erased person (a
   * blocked replay), so that normalising it does not put the person's values back in the cache.
   * One cache removal per identifier (two for a phone: its spelling's shared entry too), unlike
   * {@link #forget}, which scans the cache.
   *
   * @return how many cache entries were dropped
   */
  public int forgetSpellings(java.util.Collection<Identifier> raw) {
    requireNonNull(raw, "raw");
    if (cache.isEmpty() || raw.isEmpty()) {
      return 0;
    }
    java.util.concurrent.ConcurrentMap<Object, NormalizedIdentifier> map = cache.get().asMap();
    int n = 0;
    for (Identifier id : raw) {
      if (map.remove(requireNonNull(id, "identifier")) != null) {
        n++;
      }
      if (normalizerOf(id.type()) instanceof PhoneNormalizer) {
        String key = PhoneNormalizer.spellingKey(id.value());
        if (key != null && map.remove(key) != null) {
          n++;
        }
      }
    }
    return n;
  }

  /**
   * Normalises the identifiers of {@code event} and sorts them. When normalisation changes no
   * identifier, the result carries {@code event} itself.
   */
  public ResolvedIdentifiers resolve(Event event) {
    requireNonNull(event, "event");
    return resolve(event, event.identifiers().size() > LINEAR_FOLD_MAX);
  }

  /**
   * The most identifiers whose normalised values {@link #resolve} folds by comparing each with
   * those before it; above it, through a hash map. The comparisons cost n²/2 equality checks,
   * fewer than the map's hashing and boxing for a short list; for {@link Event#MAX_IDENTIFIERS}
   * of them, half a million.
   */
  static final int LINEAR_FOLD_MAX = 16;

  /**
   * {@link #resolve(Event)}, folding the normalised values through a hash map when {@code hashed},
   * else by comparing each with those before it. Both give the same result (the tests check it).
   */
  ResolvedIdentifiers resolve(Event event, boolean hashed) {
    List<Identifier> raws = event.identifiers();
    int n = raws.size();
    // The common event: every identifier valid as it is. An event's identifiers never repeat
    // (Event checks), so nothing folds: the linkable ones are the event's own, in priority order.
    int asIs = 0;
    int firstDecision = VALID_AS_IS; // what asIs found for raws[asIs], the first not valid as it is
    while (asIs < n) {
      Identifier raw = raws.get(asIs);
      firstDecision = asIs(kindOf(raw.type()), raw);
      if (firstDecision != VALID_AS_IS) {
        break;
      }
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
    Map<Identifier, Integer> index = hashed ? new HashMap<>(2 * n) : null; // normalised value to its index in keys
    for (int i = 0; i < n; i++) { // by index: no iterator per event
      Identifier raw = raws.get(i);
      // The first asIs were found valid as they are above, and the next one decided: not asked again.
      NormalizedIdentifier norm = i < asIs ? null
          : i == asIs ? outcomeOrNull(kindOf(raw.type()), raw, firstDecision) : outcomeOrNull(kindOf(raw.type()), raw);
      Identifier key = norm == null ? raw : norm.identifier();
      NormalizedIdentifier.Status status = norm == null ? NormalizedIdentifier.Status.VALID : norm.status();
      int at = -1;
      if (index != null) {
        // The map keeps the first key's index; a later, better outcome replaces keys[at] by an
        // equal identifier, so the map's key still stands for it.
        Integer known = index.putIfAbsent(key, distinct);
        if (known != null) {
          at = known;
        }
      } else {
        for (int j = 0; j < distinct; j++) {
          if (keys[j].equals(key)) {
            at = j;
            break;
          }
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
    // Guava's immutable lists throughout: ResolvedIdentifiers takes them without a copy.
    List<Identifier> linkable;
    List<Identifier> malformed = ImmutableList.of();
    List<Identifier> blocked = ImmutableList.of();
    List<String> problems = ImmutableList.of();
    if (allValid) {
      linkable = sorted(keys, 0, distinct);
    } else {
      // Valid, malformed and blocked ones into thirds of one array, each in first-occurrence order.
      Identifier[] parts = new Identifier[3 * distinct];
      String[] lines = null;
      int valid = 0;
      int malformedCount = 0;
      int blockedCount = 0;
      int lineCount = 0;
      for (int i = 0; i < distinct; i++) {
        NormalizedIdentifier norm = outcomes[i];
        if (norm == null) {
          parts[valid++] = keys[i];
          continue;
        }
        switch (norm.status()) {
          case VALID -> parts[valid++] = norm.identifier();
          case MALFORMED -> parts[distinct + malformedCount++] = norm.identifier();
          case BLOCKED -> parts[2 * distinct + blockedCount++] = norm.identifier();
        }
        if (norm.problem().isPresent()) {
          if (lines == null) {
            lines = new String[distinct];
          }
          lines[lineCount++] = problemLine(norm);
        }
      }
      linkable = sorted(parts, 0, valid);
      malformed = sorted(parts, distinct, malformedCount);
      if (blockedCount > 0) {
        blocked = range(parts, 2 * distinct, blockedCount);
      }
      if (lineCount > 0) {
        problems = range(lines, 0, lineCount);
      }
    }
    Event normalized = unchanged ? event : event.withIdentifiers(allValid ? inOrder(linkable, keys, distinct) : list(keys, distinct));
    return new ResolvedIdentifiers(normalized, linkable, malformed, blocked, problems);
  }

  /**
   * The first {@code n} of {@code keys} as an immutable list, which {@link Event} keeps without a
   * copy: {@code linkable} itself when it holds the very same identifiers in that order (one
   * identifier, or ones already in priority order), else a new list.
   */
  private static List<Identifier> inOrder(List<Identifier> linkable, Identifier[] keys, int n) {
    if (linkable.size() != n) {
      return list(keys, n);
    }
    for (int i = 0; i < n; i++) {
      if (linkable.get(i) != keys[i]) {
        return list(keys, n);
      }
    }
    return linkable;
  }

  /**
   * The {@code n} entries of {@code a} from {@code from}, in order, as an immutable list: its one
   * array is an ImmutableList builder's, taken whole at build (no view lists, no array copied twice).
   */
  private static <T> ImmutableList<T> range(T[] a, int from, int n) {
    if (n == 1) {
      return ImmutableList.of(a[from]);
    }
    ImmutableList.Builder<T> list = ImmutableList.builderWithExpectedSize(n);
    for (int i = from; i < from + n; i++) {
      list.add(a[i]);
    }
    return list.build();
  }

  /** The first {@code n} of {@code keys} as an immutable list (no view list between). */
  private static List<Identifier> list(Identifier[] keys, int n) {
    switch (n) {
      case 1:
        return ImmutableList.of(keys[0]);
      case 2:
        return ImmutableList.of(keys[0], keys[1]);
      default:
        return n == keys.length ? ImmutableList.copyOf(keys) : range(keys, 0, n);
    }
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

  /** The {@code n} identifiers of {@code ids} from index {@code from} in priority order, as an immutable list. */
  private List<Identifier> sorted(Identifier[] ids, int from, int n) {
    switch (n) {
      case 0:
        return ImmutableList.of();
      case 1:
        return ImmutableList.of(ids[from]);
      case 2:
        Identifier a = ids[from];
        Identifier b = ids[from + 1];
        return order.compare(a, b) <= 0 ? ImmutableList.of(a, b) : ImmutableList.of(b, a);
      default:
        // One array for the list (the builder's, taken as it is when full), and a sorted copy of
        // the range only when it is out of order: no view lists, no array copied twice.
        Identifier[] src = ids;
        int start = from;
        for (int i = start + 1; i < start + n; i++) {
          if (order.compare(src[i - 1], src[i]) > 0) {
            src = Arrays.copyOfRange(ids, from, from + n); // not in place: the caller's array keeps its order
            Arrays.sort(src, order); // stable, as ImmutableList.sortedCopyOf
            start = 0;
            break;
          }
        }
        return range(src, start, n);
    }
  }

  /**
   * The line of {@link ResolvedIdentifiers#problems} for {@code norm}, which has a problem: its
   * type, status and problem (no value). The line of a value blocked with the resolver's own
   * {@link #BLOCKED_PROBLEM} is made once per type.
   */
  private String problemLine(NormalizedIdentifier norm) {
    IdentifierType type = norm.identifier().type();
    if (norm.problem() == BLOCKED_PROBLEM && norm.status() == NormalizedIdentifier.Status.BLOCKED) {
      return kindOf(type).blockedLine;
    }
    return problemLine(type, norm.status(), norm.problem().get());
  }

  private static String problemLine(IdentifierType type, NormalizedIdentifier.Status status, String problem) {
    return type + " " + status.name().toLowerCase(Locale.ROOT) + ": " + problem;
  }

  private NormalizedIdentifier compute(IdentifierNormalizer n, Identifier raw) {
    NormalizedIdentifier out = n.normalize(raw);
    if (out == null || !out.identifier().type().equals(raw.type())) {
      // A normaliser that breaks its contract (nothing, or another type, whose rules would then
      // apply: another type's uniqueness, links, limits) must not make the value link anything:
      // the raw value is kept as malformed, and the line says why without the value.
      return NormalizedIdentifier.malformed(raw, out == null
          ? "the normaliser of " + raw.type() + " returned nothing"
          : "the normaliser of " + raw.type() + " returned an identifier of another type (" + out.identifier().type() + ")");
    }
    return withBlockedCheck(raw, out);
  }

  /** {@code result}, the normaliser's outcome for {@code raw}, marked blocked if its value is. */
  private NormalizedIdentifier withBlockedCheck(Identifier raw, NormalizedIdentifier result) {
    Optional<String> why = blockedProblem(kindOf(raw.type()).blocked, result.identifier());
    if (why != null) {
      return new NormalizedIdentifier(result.identifier(), NormalizedIdentifier.Status.BLOCKED, why);
    }
    return result;
  }

  /**
   * Why {@code normalized}, a value after its type's normaliser, is blocked, or null if it is not:
   * {@link #BLOCKED_PROBLEM} when it is one of the blocked values ({@code blocked}: those of its
   * type, {@link #blockedFor}), an all-zero phone or matches a blocked pattern; {@link
   * #TIMED_OUT_PROBLEM} when a blocked pattern could not decide it in time.
   */
  private Optional<String> blockedProblem(Set<String> blocked, Identifier normalized) {
    String value = normalized.value();
    // toLowerCase returns the value itself when it has nothing to lower, so this allocates
    // only for values with upper-case letters.
    if (blocked.contains(value.toLowerCase(Locale.ROOT)) || isAllZeroPhone(normalized)) {
      return BLOCKED_PROBLEM;
    }
    int verdict = rules.blockedPatternVerdict(value);
    return verdict == IdentityRules.NOT_MATCHED ? null : verdict == IdentityRules.MATCHED ? BLOCKED_PROBLEM : TIMED_OUT_PROBLEM;
  }

  /**
   * The blocked values as they look after this type's normalisation (so a blocked phone written
   * {@code (650) 555-0100} also blocks {@code +16505550100}), plus the values as configured.
   */
  private Set<String> blockedFor(IdentifierType type, IdentifierNormalizer normalizer) {
    Set<String> out = new HashSet<>(rules.blockedValues());
    for (String v : rules.blockedValues()) {
      try {
        NormalizedIdentifier n = normalizer.normalize(Identifier.of(type, v));
        if (n != null && n.status() == NormalizedIdentifier.Status.VALID && n.identifier().type().equals(type)) {
          out.add(n.identifier().value().toLowerCase(Locale.ROOT));
        }
      } catch (IllegalArgumentException notAValueOfThisType) {
        // e.g. too long for the type: it cannot occur as a value of it either
      }
    }
    return Set.copyOf(out);
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
