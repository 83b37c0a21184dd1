package dev.clientele.export;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Map;

/**
 * What an export did: profiles read, rows written, and profiles skipped by reason, so nothing
 * leaves silently. Reasons: {@code no_email} ({@link Preset#EMAIL_ONLY} and a profile without
 * an email), {@code not_reachable_CHANNEL} (the reachability filter), {@code filtered} (the
 * caller's filter).
 *
 * @param profilesRead profiles taken from the source and processed (written or skipped)
 * @param rowsWritten rows written
 * @param skipped profiles not written, by reason; they add up to {@code profilesRead - rowsWritten}
 */
public record ExportSummary(long profilesRead, long rowsWritten, Map<String, Long> skipped) {
  /** Validates and copies. */
  public ExportSummary {
    checkArgument(profilesRead >= 0 && rowsWritten >= 0 && rowsWritten <= profilesRead,
        "need 0 <= rowsWritten <= profilesRead: %s, %s", rowsWritten, profilesRead);
    skipped = ImmutableSortedMap.copyOf(requireNonNull(skipped, "skipped"));
    long sum = skipped.values().stream().mapToLong(Long::longValue).sum();
    checkArgument(sum == profilesRead - rowsWritten, "skipped counts must add up to %s: %s", profilesRead - rowsWritten, skipped);
  }
}
