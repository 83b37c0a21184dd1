package dev.clientele.identity;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Pii;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How identifiers are normalised and which values are refused. Immutable; made by {@link #builder()}.
 *
 * <pre>{@code
 * IdentityRules rules = IdentityRules.builder()
 *     .defaultRegion("GB")                 // phones without + are British
 *     .blockValue("noreply@example.com")   // on top of the defaults
 *     .build();
 * }</pre>
 *
 * <p>Blocked values are compared after normalisation and case-insensitively. The defaults are
 * {@link #DEFAULT_BLOCKED_VALUES}; phone numbers whose digits are all zero are always blocked.
 */
public final class IdentityRules {
  /** Values blocked unless {@link Builder#clearBlockedValues()} is called: an unmodifiable set. */
  public static final Set<String> DEFAULT_BLOCKED_VALUES =
      ImmutableSet.of("null", "undefined", "0", "-1", "anonymous", "test@test.com");

  /**
   * How many normalised values are cached unless {@link Builder#cacheSize} says otherwise. Only
   * emails, phones and host-normalised types are cached (see {@link IdentityResolver#normalize});
   * 1 000 000 events of 200 000 people carry about 300 000 distinct raw spellings of those, and a
   * cache smaller than the working set spends its time evicting. The cache is bounded by bytes,
   * not entries: {@code cacheSize × }{@link #CACHE_BYTES_PER_ENTRY} estimated bytes, 150 MB for
   * the default, however long the values clients send (values longer than 256 characters are
   * not cached at all). The estimate errs high: filled to that bound, the cache took 118 MB of
   * heap with short emails (about 400 000 of them) and 86 MB with 250-character junk values.
   */
  public static final long DEFAULT_CACHE_SIZE = 500_000;

  /**
   * The estimated heap bytes by which {@link #cacheSize} is turned into the cache's byte budget.
   * Each entry is weighed by an estimate from its own strings' lengths: 300 to 370 bytes for a
   * phone spelling or a short email with its normal form (measured 240 to 300 bytes of heap), and
   * about 800 for a malformed 250-character email (measured about 470). So the cache holds
   * somewhat fewer than {@code cacheSize} typical values, and far fewer long ones.
   */
  public static final int CACHE_BYTES_PER_ENTRY = 300;

  private final String defaultRegion;
  private final ImmutableSet<String> blockedValues;
  private final ImmutableMap<IdentifierType, IdentifierNormalizer> normalizers;
  private final long cacheSize;
  private final ImmutableMap<IdentifierType, IdentifierPolicy> policies;
  private final IdentifierPolicy hostDefault;
  /** The policies of the built-in types, read without a map lookup (see {@link #policy}). */
  private final IdentifierPolicy anonymousIdPolicy;
  private final IdentifierPolicy customerIdPolicy;
  private final IdentifierPolicy emailPolicy;
  private final IdentifierPolicy phonePolicy;
  private final IdentifierPolicy pushTokenPolicy;
  private final int maxIdentifiersPerProfile;
  private final int maxMergesPerProfile;
  private final ImmutableList<Pattern> blockedPatterns;
  private final SurvivorshipRules survivorship;

  /**
   * The default policies: customer id unique (priority 100), email 5 per profile (80), phone 5
   * (70), push token 10 (60), host-defined types unlimited (50), anonymous id 5 a week (10).
   * Every type links. Caps: 500 identifiers and 100 merged profiles per profile. An unmodifiable
   * map.
   */
  public static final Map<IdentifierType, IdentifierPolicy> DEFAULT_POLICIES = ImmutableMap.of(
      IdentifierType.CUSTOMER_ID, IdentifierPolicy.unique(100),
      IdentifierType.EMAIL, IdentifierPolicy.linking(80).withLimit(5),
      IdentifierType.PHONE, IdentifierPolicy.linking(70).withLimit(5),
      IdentifierType.PUSH_TOKEN, IdentifierPolicy.linking(60).withLimit(10),
      IdentifierType.ANONYMOUS_ID, IdentifierPolicy.linking(10).withLimit(5, java.time.Duration.ofDays(7)));

  private IdentityRules(Builder b) {
    Map<IdentifierType, IdentifierPolicy> merged = new HashMap<>(b.unlimited ? Map.of() : DEFAULT_POLICIES);
    if (b.unlimited) {
      DEFAULT_POLICIES.forEach((t, p) -> merged.put(t, IdentifierPolicy.linking(p.priority())));
    }
    merged.putAll(b.policies);
    this.policies = ImmutableMap.copyOf(merged);
    this.hostDefault = IdentifierPolicy.linking(50);
    this.anonymousIdPolicy = policies.getOrDefault(IdentifierType.ANONYMOUS_ID, hostDefault);
    this.customerIdPolicy = policies.getOrDefault(IdentifierType.CUSTOMER_ID, hostDefault);
    this.emailPolicy = policies.getOrDefault(IdentifierType.EMAIL, hostDefault);
    this.phonePolicy = policies.getOrDefault(IdentifierType.PHONE, hostDefault);
    this.pushTokenPolicy = policies.getOrDefault(IdentifierType.PUSH_TOKEN, hostDefault);
    this.maxIdentifiersPerProfile = b.maxIdentifiers < 0 ? (b.unlimited ? Integer.MAX_VALUE : 500) : b.maxIdentifiers;
    this.maxMergesPerProfile = b.maxMerges < 0 ? (b.unlimited ? Integer.MAX_VALUE : 100) : b.maxMerges;
    this.defaultRegion = b.defaultRegion == null ? "US" : b.defaultRegion;
    this.blockedValues = ImmutableSet.<String>builder()
        .addAll(b.defaultsCleared ? Set.of() : DEFAULT_BLOCKED_VALUES)
        .addAll(b.blockedValues)
        .build();
    this.normalizers = ImmutableMap.copyOf(b.normalizers);
    this.cacheSize = b.cacheSize < 0 ? DEFAULT_CACHE_SIZE : b.cacheSize;
    this.blockedPatterns = ImmutableList.copyOf(b.blockedPatterns);
    this.survivorship = b.survivorship == null ? SurvivorshipRules.DEFAULTS : b.survivorship;
  }

  /**
   * Patterns that block every value they match in full (case-insensitive), after normalisation:
   * an unmodifiable list, in the order they were added.
   */
  public List<Pattern> blockedPatterns() {
    return blockedPatterns;
  }

  /**
   * The most characters one blocked pattern may read ({@link CharSequence#charAt} calls) while
   * matching one value. Patterns come from the host's configuration, but the values from clients,
   * and some patterns take time exponential or polynomial in the value's length to fail (Java
   * 17 measured 2.4 s for {@code (.*a){8}@x\.com} on 41 characters, over a minute on 81). A
   * pattern that reads each character a bounded number of times stays well within this even on
   * a 512-character value. Running out takes under a millisecond (about 7 ms per million reads
   * on a loaded machine), so an event of {@link dev.clientele.core.Event#MAX_IDENTIFIERS} such
   * values costs under a second.
   */
  public static final int MAX_PATTERN_READS = 100_000;

  /** {@link #blockedPatternVerdict}: no pattern matches. */
  static final int NOT_MATCHED = 0;
  /** {@link #blockedPatternVerdict}: a pattern matches. */
  static final int MATCHED = 1;
  /** {@link #blockedPatternVerdict}: no pattern matched, and one ran out of {@link #MAX_PATTERN_READS}. */
  static final int TIMED_OUT = 2;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IdentityRules.class);

  /** The indexes in {@link #blockedPatterns} of the patterns whose running out has been logged. */
  private final Set<Integer> loggedTimeouts = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Whether a normalised value matches one of {@link #blockedPatterns()}: {@link #MATCHED} if one
   * does; else {@link #TIMED_OUT} if one could not decide within {@link #MAX_PATTERN_READS} (the
   * caller treats the value as blocked: a value a pattern cannot clear is not trusted); else
   * {@link #NOT_MATCHED}. The first time a pattern runs out it is logged, by its index and without
   * the value.
   */
  int blockedPatternVerdict(String normalized) {
    if (blockedPatterns.isEmpty()) {
      return NOT_MATCHED;
    }
    BudgetedChars chars = new BudgetedChars(normalized);
    int verdict = NOT_MATCHED;
    for (int i = 0; i < blockedPatterns.size(); i++) {
      chars.reads = 0;
      try {
        if (blockedPatterns.get(i).matcher(chars).matches()) {
          return MATCHED;
        }
      } catch (BudgetedChars.OutOfReads e) {
        verdict = TIMED_OUT;
        if (loggedTimeouts.add(i)) {
          LOG.warn("blocked pattern #{} (of {}) could not decide a value of {} characters within {} reads: such values are"
              + " treated as blocked; simplify the pattern (logged once per pattern)",
              i, blockedPatterns.size(), normalized.length(), MAX_PATTERN_READS);
        }
      }
    }
    return verdict;
  }

  /** A string whose {@link #charAt} throws {@link OutOfReads} after {@link #MAX_PATTERN_READS} calls. */
  private static final class BudgetedChars implements CharSequence {
    private final String text;
    int reads;

    BudgetedChars(String text) {
      this.text = text;
    }

    /** Thrown when the reads are used up; no stack trace, as it ends a match, not a bug. */
    static final class OutOfReads extends RuntimeException {
      private static final long serialVersionUID = 1L;

      OutOfReads() {
        super("blocked pattern ran out of reads", null, false, false);
      }
    }

    @Override
    public char charAt(int index) {
      if (++reads > MAX_PATTERN_READS) {
        throw new OutOfReads();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return text.subSequence(start, end); // the matcher reads through charAt; a group's text is not matched again
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** How merges choose the surviving id and combine attributes. */
  public SurvivorshipRules survivorship() {
    return survivorship;
  }

  /** The defaults: region US, the default blocked values, built-in normalisers, a cache of about 500 000 typical values (at most about 150 MB, see {@link #DEFAULT_CACHE_SIZE}). */
  public static IdentityRules defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The ISO 3166 region in which phone numbers without {@code +} are read. */
  public String defaultRegion() {
    return defaultRegion;
  }

  /** The blocked values, lower-case: an unmodifiable set. */
  public Set<String> blockedValues() {
    return blockedValues;
  }

  /**
   * Host-supplied normalisers by type (built-in types have their own unless replaced here): an
   * unmodifiable map.
   */
  public Map<IdentifierType, IdentifierNormalizer> normalizers() {
    return normalizers;
  }

  /**
   * How many normalised values of typical length are cached (0 disables the cache): the cache
   * holds at most {@code cacheSize × }{@link #CACHE_BYTES_PER_ENTRY} estimated bytes.
   */
  public long cacheSize() {
    return cacheSize;
  }

  /** The policy of {@code type}: configured, default, or (host-defined types) linking at priority 50. */
  public IdentifierPolicy policy(IdentifierType type) {
    // The shared constants (what parsing gives) by reference, as resolution asks several times
    // per event; any other instance, built-in name or not, through the map.
    if (type == IdentifierType.EMAIL) {
      return emailPolicy;
    } else if (type == IdentifierType.ANONYMOUS_ID) {
      return anonymousIdPolicy;
    } else if (type == IdentifierType.CUSTOMER_ID) {
      return customerIdPolicy;
    } else if (type == IdentifierType.PHONE) {
      return phonePolicy;
    } else if (type == IdentifierType.PUSH_TOKEN) {
      return pushTokenPolicy;
    }
    return policies.getOrDefault(requireNonNull(type, "type"), hostDefault);
  }

  /**
   * The policies set for particular types, the built-in types' included; every other type gets
   * {@link #policy}'s host default (linking at priority 50, no limit). An unmodifiable map.
   */
  public Map<IdentifierType, IdentifierPolicy> policies() {
    return policies;
  }

  /** The most identifiers one profile may hold; links and attachments beyond it are refused. */
  public int maxIdentifiersPerProfile() {
    return maxIdentifiersPerProfile;
  }

  /** The most profiles that may be merged into one; merges beyond it are refused. */
  public int maxMergesPerProfile() {
    return maxMergesPerProfile;
  }

  /**
   * Builds {@link IdentityRules}. Settings that replace a value (a type's policy or normaliser,
   * the caps, the default region, survivorship, the cache size) may each be set once;
   * {@link #blockValue} and {@link #blockPattern} add one more each call. Not thread-safe.
   */
  public static final class Builder {
    private String defaultRegion;
    private final Set<String> blockedValues = new LinkedHashSet<>();
    private boolean defaultsCleared;
    private final Map<IdentifierType, IdentifierNormalizer> normalizers = new HashMap<>();
    private long cacheSize = -1;
    private final Map<IdentifierType, IdentifierPolicy> policies = new HashMap<>();
    private boolean unlimited;
    private int maxIdentifiers = -1;
    private int maxMerges = -1;
    private final List<Pattern> blockedPatterns = new ArrayList<>();
    private SurvivorshipRules survivorship;

    private Builder() {}

    /**
     * Sets the policy of one identifier type, replacing its default.
     *
     * @throws IllegalStateException if already set for this type
     */
    public Builder policy(IdentifierType type, IdentifierPolicy policy) {
      requireNonNull(type, "type");
      requireNonNull(policy, "policy");
      checkState(!policies.containsKey(type), "policy for %s was already set", type);
      policies.put(type, policy);
      return this;
    }

    /**
     * Starts from no limits, no unique types and no caps (every type links, default
     * priorities); policies set with {@link #policy} still apply. Resolution is then
     * independent of the order events arrive in when every type may link, unless a policy set
     * with {@link #policy} has a limit or is unique. An attach-only policy makes it
     * order-dependent too: whether an identifier of that type joins two profiles' events
     * depends on which events came first.
     */
    public Builder withoutLimits() {
      this.unlimited = true;
      return this;
    }

    /**
     * Sets the cap on identifiers per profile.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder maxIdentifiersPerProfile(int max) {
      checkArgument(max >= 1, "max identifiers per profile must be >= 1: %s", max);
      checkState(maxIdentifiers < 0, "max identifiers per profile was already set to %s", maxIdentifiers);
      this.maxIdentifiers = max;
      return this;
    }

    /**
     * Sets the cap on profiles merged into one.
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder maxMergesPerProfile(int max) {
      checkArgument(max >= 0, "max merges per profile must be >= 0: %s", max);
      checkState(maxMerges < 0, "max merges per profile was already set to %s", maxMerges);
      this.maxMerges = max;
      return this;
    }

    /**
     * Sets the default phone region.
     *
     * @throws IllegalArgumentException if libphonenumber does not know the region
     * @throws IllegalStateException if already set
     */
    public Builder defaultRegion(String region) {
      requireNonNull(region, "region");
      checkState(defaultRegion == null, "default region was already set to %s", defaultRegion);
      String upper = region.toUpperCase(Locale.ROOT);
      if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(upper)) {
        // a plain word ("XQ", "Narnia") is shown; anything else masked, never echoed whole
        throw new IllegalArgumentException("unknown phone region: "
            + (region.matches("[A-Za-z0-9_-]{1,16}") ? region : Pii.mask(region)));
      }
      this.defaultRegion = upper;
      return this;
    }

    /** Blocks one more value (compared case-insensitively after normalisation). */
    public Builder blockValue(String value) {
      requireNonNull(value, "value");
      checkArgument(!value.isBlank(), "blocked value must not be blank");
      blockedValues.add(value.strip().toLowerCase(Locale.ROOT));
      return this;
    }

    /**
     * Blocks every value matching {@code regex} in full, case-insensitively, after normalisation,
     * e.g. {@code ".*@mailinator\\.com"} or {@code "test[0-9]*@.*"}. Each pattern may read at most
     * {@link #MAX_PATTERN_READS} characters per value: a value it cannot decide within that is
     * treated as blocked, with the problem "blocked pattern timed out", and the first such value
     * of each pattern is logged (the pattern's index, never the value). Avoid nested or adjacent
     * unbounded repetitions such as {@code (.*a){8}} or {@code (a+)+b}: matching them can take
     * time exponential in the value's length.
     *
     * @throws IllegalArgumentException if {@code regex} is not a valid regular expression
     */
    public Builder blockPattern(String regex) {
      requireNonNull(regex, "regex");
      try {
        blockedPatterns.add(Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new IllegalArgumentException("blocked pattern is not a valid regular expression: " + e.getDescription(), e);
      }
      return this;
    }

    /**
     * Sets how merges choose the surviving id and combine attributes (default {@link SurvivorshipRules#DEFAULTS}).
     *
     * @throws IllegalStateException if already set
     */
    public Builder survivorship(SurvivorshipRules rules) {
      requireNonNull(rules, "survivorship");
      checkState(survivorship == null, "survivorship was already set");
      this.survivorship = rules;
      return this;
    }

    /** Removes the default blocked values; values given to {@link #blockValue}, before or after, stay. */
    public Builder clearBlockedValues() {
      defaultsCleared = true;
      return this;
    }

    /**
     * Uses {@code normalizer} for identifiers of {@code type}, replacing the built-in one.
     *
     * @throws IllegalStateException if a normaliser was already set for the type
     */
    public Builder normalizer(IdentifierType type, IdentifierNormalizer normalizer) {
      requireNonNull(type, "type");
      requireNonNull(normalizer, "normalizer");
      checkState(!normalizers.containsKey(type), "normalizer for %s was already set", type);
      normalizers.put(type, normalizer);
      return this;
    }

    /**
     * Sets how many normalised values of typical length are cached, which bounds the cache at
     * {@code size × }{@link #CACHE_BYTES_PER_ENTRY} estimated bytes; 0 disables caching.
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder cacheSize(long size) {
      checkArgument(size >= 0, "cache size must be >= 0: %s", size);
      checkState(cacheSize < 0, "cache size was already set to %s", cacheSize);
      this.cacheSize = size;
      return this;
    }

    /** Builds the rules. */
    public IdentityRules build() {
      return new IdentityRules(this);
    }
  }
}
