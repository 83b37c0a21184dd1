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
 *
 * <p>Records are read in commit order, which is not time order: a record's {@link MergeRecord#at()}
 * is when the merge or split happened (an automatic merge has its event's time, and events may
 * arrive late), and the split record an erasure logs in place of one it erased has the time of
 * that split. A reader that needs the order things happened in sorts by {@code at}; what was
 * committed after a record is what follows it.
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
