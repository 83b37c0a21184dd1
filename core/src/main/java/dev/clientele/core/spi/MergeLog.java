package dev.clientele.core.spi;

import dev.clientele.core.Identifier;
import dev.clientele.core.ProfileId;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads the append-only merge log. Records are written by {@link Storage#commit(Commit)} in the
 * same transaction as the merge or split they describe, so a reader never sees a merged profile
 * without its record or the other way round. Records are never changed, except by erasure:
 * it removes the records naming an erased profile and redacts, in place, the others that hold its
 * identifiers ({@link Commit#mergeRecordRedactions()}); a redacted record keeps its position.
 * Implementations must be safe for concurrent use.
 */
public interface MergeLog {
  /**
   * The records naming {@code profile} (as the surviving or split profile, or as a side), in the
   * order they were committed.
   */
  List<MergeRecord> mergeRecords(ProfileId profile);

  /** The record with this id, if it exists (and was not erased). */
  Optional<MergeRecord> mergeRecord(String id);

  /**
   * The {@link MergeRecord.Kind#SPLIT} records that {@linkplain MergeRecord#holds hold} any of
   * {@code identifiers}, in commit order. Used to keep the sides of a split apart.
   */
  List<MergeRecord> splitsNaming(Collection<Identifier> identifiers);

  /** Calls {@code action} with every record, in commit order. */
  void forEachMergeRecord(Consumer<MergeRecord> action);
}
