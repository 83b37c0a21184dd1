package dev.clientele.consent;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.clientele.core.ProfileId;
import java.util.List;
import java.util.Map;

/**
 * What an erasure removed. Holds no personal data: identifier counts by type, not values.
 *
 * @param profile the erased profile's id
 * @param mergedFrom ids of profiles that had been merged into it (their data went with it)
 * @param identifiersByType erased identifiers counted by type name
 * @param events erased events
 * @param tombstones tombstones written (one per erased identifier)
 * @param mergeRecords merge-log records erased (every record naming the profile or one merged into it)
 * @param cachesCleared the in-memory caches purged of the erased values, by name
 * @param otherProfilesChanged other (not erased) profiles whose timelines the erasure changed:
 *     after a split, consent or deliverability events of the erased profile kept for them without
 *     the erased values and without other data (and applied to their stored profiles; other
 *     events of the erased profile are erased, see {@link Erasure}), or their own events stored
 *     again without those values;
 *     whatever is derived from their
 *     timelines (segment membership) must be evaluated again. Empty without a split.
 * @param mergeRecordsRedacted other merge-log records (naming neither the profile nor one merged
 *     into it, so kept) from which the erased identifiers were removed in place ({@link
 *     dev.clientele.core.spi.Commit#mergeRecordRedactions()}); not counted in {@code mergeRecords}
 * @param keptSplitRecords the (random) ids of the split records the erasure logged: one in place
 *     of each erased split record that separated two or more people who remain, between them,
 *     without the erased profile, its identifiers and the operator's note ({@link
 *     Erasure#KEPT_SPLIT_NOTE}), with the split's time, appended to the log; the erased records
 *     are counted in {@code mergeRecords}. Empty without such a split. (When a concurrent erasure
 *     of the same profile was taken for this one's commit, see {@link Erasure#erase(ProfileId,
 *     java.util.function.Consumer)}, these records may not have been logged.)
 */
public record ErasureReport(
    ProfileId profile,
    List<ProfileId> mergedFrom,
    Map<String, Integer> identifiersByType,
    long events,
    int tombstones,
    long mergeRecords,
    List<String> cachesCleared,
    List<ProfileId> otherProfilesChanged,
    long mergeRecordsRedacted,
    List<String> keptSplitRecords) {

  /** Validates and copies. */
  public ErasureReport {
    requireNonNull(profile, "profile");
    mergedFrom = ImmutableList.copyOf(requireNonNull(mergedFrom, "mergedFrom"));
    otherProfilesChanged = ImmutableList.copyOf(requireNonNull(otherProfilesChanged, "otherProfilesChanged"));
    identifiersByType = ImmutableSortedMap.copyOf(requireNonNull(identifiersByType, "identifiersByType"));
    cachesCleared = ImmutableList.copyOf(requireNonNull(cachesCleared, "cachesCleared"));
    keptSplitRecords = ImmutableList.copyOf(requireNonNull(keptSplitRecords, "keptSplitRecords"));
    checkArgument(events >= 0 && tombstones >= 0 && mergeRecords >= 0 && mergeRecordsRedacted >= 0,
        "events, tombstones, mergeRecords and mergeRecordsRedacted must be >= 0: %s, %s, %s, %s", events, tombstones,
        mergeRecords, mergeRecordsRedacted);
  }

  /**
   * A report that lists no kept split record ({@link #keptSplitRecords} empty), as before that
   * component existed.
   */
  public ErasureReport(
      ProfileId profile,
      List<ProfileId> mergedFrom,
      Map<String, Integer> identifiersByType,
      long events,
      int tombstones,
      long mergeRecords,
      List<String> cachesCleared,
      List<ProfileId> otherProfilesChanged,
      long mergeRecordsRedacted) {
    this(profile, mergedFrom, identifiersByType, events, tombstones, mergeRecords, cachesCleared, otherProfilesChanged,
        mergeRecordsRedacted, List.of());
  }

  /**
   * A report that counts no redacted merge-log record ({@link #mergeRecordsRedacted} 0) and lists
   * no kept split record, as before those components existed.
   */
  public ErasureReport(
      ProfileId profile,
      List<ProfileId> mergedFrom,
      Map<String, Integer> identifiersByType,
      long events,
      int tombstones,
      long mergeRecords,
      List<String> cachesCleared,
      List<ProfileId> otherProfilesChanged) {
    this(profile, mergedFrom, identifiersByType, events, tombstones, mergeRecords, cachesCleared, otherProfilesChanged, 0);
  }

  /**
   * A report of an erasure that changed no other profile's timeline ({@link #otherProfilesChanged}
   * empty), redacted no merge-log record and kept no split record, as before those components
   * existed.
   */
  public ErasureReport(
      ProfileId profile,
      List<ProfileId> mergedFrom,
      Map<String, Integer> identifiersByType,
      long events,
      int tombstones,
      long mergeRecords,
      List<String> cachesCleared) {
    this(profile, mergedFrom, identifiersByType, events, tombstones, mergeRecords, cachesCleared, List.of(), 0);
  }

  /** The number of erased identifiers. */
  public int identifiers() {
    return identifiersByType.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** A copy that also names {@code cache} as cleared. */
  public ErasureReport withCacheCleared(String cache) {
    return new ErasureReport(profile, mergedFrom, identifiersByType, events, tombstones, mergeRecords,
        ImmutableList.<String>builder().addAll(cachesCleared).add(requireNonNull(cache, "cache")).build(), otherProfilesChanged,
        mergeRecordsRedacted, keptSplitRecords);
  }
}
