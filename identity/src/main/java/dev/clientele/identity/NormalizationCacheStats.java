package dev.clientele.identity;

/**
 * Figures of the identifier normalisation cache of an {@link IdentityResolver} (see
 * {@link IdentityRules#cacheSize}): how often it helped, what it evicted, and how full it is.
 * Immutable and thread-safe. Only the resolver makes instances (there is no public constructor),
 * so figures added later break no host code.
 *
 * <p>Only values that need normalising go through the cache (an email already in normal form, a
 * value of a type only stripped of white space such as customer and anonymous ids by default, or a
 * value longer than 256 characters does not), so {@link #lookups()} is at most
 * the number of identifiers ingested.
 */
public final class NormalizationCacheStats {
  /** The figures of no cache (or a cache that was never used). */
  public static final NormalizationCacheStats NONE = new NormalizationCacheStats(0, 0, 0, 0, 0, 0, 0);

  private final long hits;
  private final long misses;
  private final long evictions;
  private final long evictedBytes;
  private final long entries;
  private final long estimatedBytes;
  private final long maximumBytes;

  NormalizationCacheStats(
      long hits, long misses, long evictions, long evictedBytes, long entries, long estimatedBytes, long maximumBytes) {
    this.hits = hits;
    this.misses = misses;
    this.evictions = evictions;
    this.evictedBytes = evictedBytes;
    this.entries = entries;
    this.estimatedBytes = estimatedBytes;
    this.maximumBytes = maximumBytes;
  }

  /** Lookups that found the value's normalisation in the cache. */
  public long hits() {
    return hits;
  }

  /** Lookups that did not, so the value was normalised (and its outcome cached). */
  public long misses() {
    return misses;
  }

  /** {@link #hits()} plus {@link #misses()}. */
  public long lookups() {
    return hits + misses;
  }

  /**
   * {@link #hits()} over {@link #lookups()}; 1.0 when there was no lookup (as nothing was missed),
   * so also for {@link #NONE}, the figures of a cache that is off: check {@link #lookups()} before
   * reading a rate as the cache working.
   */
  public double hitRate() {
    long lookups = lookups();
    return lookups == 0 ? 1.0 : (double) hits / lookups;
  }

  /**
   * Entries evicted to keep the cache within its bound; entries dropped because their person was
   * erased are not evictions. A steady rise during a load means the cache is too small for it.
   */
  public long evictions() {
    return evictions;
  }

  /** The estimated heap bytes of the evicted entries, as the cache weighs them. */
  public long evictedBytes() {
    return evictedBytes;
  }

  /** About how many normalisations the cache holds now. */
  public long entries() {
    return entries;
  }

  /** The estimated heap bytes of the entries held now, as the cache weighs them against {@link #maximumBytes()}. */
  public long estimatedBytes() {
    return estimatedBytes;
  }

  /** The cache's bound in estimated bytes ({@link IdentityRules#cacheSize} times the estimated bytes per entry); 0 without a cache. */
  public long maximumBytes() {
    return maximumBytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NormalizationCacheStats s
        && hits == s.hits
        && misses == s.misses
        && evictions == s.evictions
        && evictedBytes == s.evictedBytes
        && entries == s.entries
        && estimatedBytes == s.estimatedBytes
        && maximumBytes == s.maximumBytes;
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(new long[] {hits, misses, evictions, evictedBytes, entries, estimatedBytes, maximumBytes});
  }

  @Override
  public String toString() {
    return "NormalizationCacheStats[hits=" + hits + ", misses=" + misses + ", evictions=" + evictions + ", evictedBytes="
        + evictedBytes + ", entries=" + entries + ", estimatedBytes=" + estimatedBytes + ", maximumBytes=" + maximumBytes
        + "]";
  }
}
