package dev.clientele.identity;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.clientele.core.IdentifierType;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
  /** Values blocked unless {@link Builder#clearBlockedValues()} is called. */
  public static final ImmutableSet<String> DEFAULT_BLOCKED_VALUES =
      ImmutableSet.of("null", "undefined", "0", "-1", "anonymous", "test@test.com");

  private final String defaultRegion;
  private final ImmutableSet<String> blockedValues;
  private final ImmutableMap<IdentifierType, IdentifierNormalizer> normalizers;
  private final long cacheSize;

  private IdentityRules(Builder b) {
    this.defaultRegion = b.defaultRegion == null ? "US" : b.defaultRegion;
    this.blockedValues = ImmutableSet.copyOf(b.blockedValues);
    this.normalizers = ImmutableMap.copyOf(b.normalizers);
    this.cacheSize = b.cacheSize < 0 ? 100_000 : b.cacheSize;
  }

  /** The defaults: region US, the default blocked values, built-in normalisers, a 100 000-entry cache. */
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

  /** The blocked values, lower-case. */
  public ImmutableSet<String> blockedValues() {
    return blockedValues;
  }

  /** Host-supplied normalisers by type (built-in types have their own unless replaced here). */
  public ImmutableMap<IdentifierType, IdentifierNormalizer> normalizers() {
    return normalizers;
  }

  /** How many normalised values are cached (0 disables the cache). */
  public long cacheSize() {
    return cacheSize;
  }

  /** Builds {@link IdentityRules}; each setter may be called once. Not thread-safe. */
  public static final class Builder {
    private String defaultRegion;
    private final Set<String> blockedValues = new LinkedHashSet<>(DEFAULT_BLOCKED_VALUES);
    private final Map<IdentifierType, IdentifierNormalizer> normalizers = new HashMap<>();
    private long cacheSize = -1;

    private Builder() {}

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
      checkArgument(
          PhoneNumberUtil.getInstance().getSupportedRegions().contains(upper), "unknown phone region: %s", region);
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

    /** Removes the default blocked values (values added later stay). */
    public Builder clearBlockedValues() {
      blockedValues.clear();
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
     * Sets how many normalised values are cached; 0 disables caching.
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
