package dev.clientele;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Profile;
import java.util.List;

/**
 * The outcome of {@link Clientele#split(String, String)}: the profile that kept its id, the
 * profiles restored from it, and the merge-log record of the split.
 *
 * @param kept the profile the split was taken from, rebuilt from the events of the identifiers it kept
 * @param restored the profiles given back their identifiers, rebuilt from those identifiers' events
 * @param record the id of the {@link dev.clientele.core.spi.MergeRecord.Kind#SPLIT} record
 */
public record SplitResult(Profile kept, List<Profile> restored, String record) {
  /** Validates and copies. */
  public SplitResult {
    requireNonNull(kept, "kept");
    restored = ImmutableList.copyOf(java.util.Objects.requireNonNull(restored, "restored"));
    requireNonNull(record, "record");
  }
}
