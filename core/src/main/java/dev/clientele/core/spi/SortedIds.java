package dev.clientele.core.spi;

import dev.clientele.core.ProfileId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The profile ids of {@link InMemoryStorage} in sorted order, for paging; not thread-safe (the
 * storage's lock guards it).
 *
 * <p>Ingestion creates a profile for about one event in three, so a sorted structure changed
 * on every creation (a skip list or tree: a dozen or more cache misses per insert) would cost
 * ingestion more than everything else in a commit. Instead, a sorted array is rebuilt only
 * when a page is read after enough changes; ids created since the last rebuild are appended
 * to a list (one array store) and deleted ones noted in a set. A page merges the array with
 * the sorted list of recent ids and skips ids no longer stored. A rebuild costs one pass over
 * all ids plus sorting the recent ones; it runs when a page is read after the recent changes exceed
 * {@code max(1024, ids / 64)}, so paging during heavy ingestion re-sorts at most that many ids
 * per page, and in any case when they exceed {@code max(65536, 2 × ids)} (see {@link #isOverdue()}).
 *
 * <p>Beside each sorted id it can keep the id's storage cell (an object of the storage's choice
 * that leads to the current profile without a lookup by id), so that a page of a store that has
 * not changed since the last rebuild is a slice of that array, not one hash lookup per profile.
 * A rebuild carries the known cells over for ids that were not deleted meanwhile and leaves the
 * others unknown; {@link #fillCells} looks the unknown ones up, and a page looks up by id any id
 * whose cell is unknown.
 */
final class SortedIds {
  private final int overdueFloor;
  private ProfileId[] sorted = new ProfileId[0];
  /** The cell of each id of {@link #sorted} (same index), or null where not known. */
  private Object[] cells = new Object[0];
  /** How many entries of {@link #cells} are null. */
  private int unknownCells;
  private final List<ProfileId> created = new ArrayList<>();
  private final Set<ProfileId> deleted = new HashSet<>();
  private static final ProfileId[] NO_IDS = {};
  /**
   * The cell of an id that had none when {@link #fillCells} ran (deleted since the last
   * rebuild): known to be gone, so that one deletion does not leave the cells incomplete (and
   * every page taking the write lock) until the next rebuild. Read by looking the id up.
   */
  private static final Object GONE = new Object();

  SortedIds() {
    this(1 << 16);
  }

  /** With {@link #isOverdue()} true after {@code max(overdueFloor, 2 × ids)} changes. */
  SortedIds(int overdueFloor) {
    this.overdueFloor = overdueFloor;
  }

  /** Changes not folded into the sorted array yet. */
  int pendingChanges() {
    return created.size() + deleted.size();
  }

  /** Notes a profile created (or re-created) with this id. */
  void created(ProfileId id) {
    created.add(id);
  }

  /** Notes a profile deleted. */
  void deleted(ProfileId id) {
    deleted.add(id);
  }

  /**
   * Whether the recent changes should be folded in even though no page was read: so the lists
   * of recent changes stay bounded when a store is written for a long time and never paged.
   * Folding in after {@code max(65536, 2 × ids)} changes keeps the amortised cost per change at
   * a few comparisons.
   */
  boolean isOverdue() {
    return pendingChanges() > Math.max(overdueFloor, 2 * sorted.length);
  }

  /** Whether pages should {@link #rebuild} first. */
  boolean needsRebuild() {
    return pendingChanges() > Math.max(1024, sorted.length / 64);
  }

  /** Folds the recent changes into the sorted array; {@code stored} tells which ids exist now. */
  void rebuild(Function<ProfileId, Object> stored) {
    ProfileId[] recent = sortedRecent();
    ProfileId[] out = new ProfileId[sorted.length + recent.length];
    Object[] outCells = new Object[out.length];
    int unknown = 0;
    int n = 0;
    int i = 0;
    int j = 0;
    ProfileId last = null;
    while (i < sorted.length || j < recent.length) {
      ProfileId next;
      Object cell = null;
      if (j >= recent.length || (i < sorted.length && sorted[i].compareTo(recent[j]) <= 0)) {
        cell = cells[i];
        next = sorted[i++];
      } else {
        next = recent[j++];
      }
      if (next.equals(last)) {
        continue;
      }
      last = next;
      // Only a deleted id needs the map: the others are known to exist.
      if (deleted.contains(next)) {
        if (stored.apply(next) == null) {
          continue;
        }
        cell = null; // deleted and created again: a new cell
      }
      if (cell == null) {
        unknown++;
      }
      outCells[n] = cell;
      out[n++] = next;
    }
    sorted = Arrays.copyOf(out, n);
    cells = Arrays.copyOf(outCells, n);
    unknownCells = unknown;
    created.clear();
    deleted.clear();
  }

  /** Whether a cell is known for every id of the sorted array (then pages need no lookups by id for them). */
  boolean hasAllCells() {
    return unknownCells == 0;
  }

  /**
   * Looks up the cells not known yet; {@code cellOf} gives an id's cell, or null for an id with
   * no profile now (deleted since the last rebuild), which is then known to be gone.
   */
  void fillCells(Function<ProfileId, Object> cellOf) {
    if (unknownCells == 0) {
      return;
    }
    for (int k = 0; k < sorted.length; k++) {
      if (cells[k] == null) {
        Object cell = cellOf.apply(sorted[k]);
        cells[k] = cell != null ? cell : GONE;
      }
    }
    unknownCells = 0;
  }

  /**
   * Up to {@code limit} ids greater than {@code after}, in order, that {@code stored} maps to a
   * value, with those values.
   */
  <T> List<T> page(Optional<ProfileId> after, int limit, Function<ProfileId, T> stored) {
    return page(after, limit, stored, null);
  }

  /**
   * Up to {@code limit} ids greater than {@code after}, in order, that have a value, with those
   * values: {@code fromCell} of the id's known cell, else {@code stored} of the id (when
   * {@code fromCell} is null, always {@code stored}). Either gives null for an id that has no
   * value now. Ids of the sorted array are merged with the recent ones; when there are none, a
   * page is a walk along the cells.
   */
  <T> List<T> page(Optional<ProfileId> after, int limit, Function<ProfileId, T> stored, Function<Object, T> fromCell) {
    ProfileId[] recent = created.isEmpty() ? NO_IDS : sortedRecent();
    int i = after.isPresent() ? firstAfter(sorted, after.get()) : 0;
    int j = after.isPresent() ? firstAfter(recent, after.get()) : 0;
    List<T> page = new ArrayList<>(Math.min(limit, 1024));
    while (page.size() < limit && (i < sorted.length || j < recent.length)) {
      T value;
      if (j >= recent.length) {
        value = valueAt(i++, stored, fromCell);
      } else if (j > 0 && recent[j].equals(recent[j - 1])) {
        j++; // created twice since the last rebuild
        continue;
      } else if (i >= sorted.length) {
        value = stored.apply(recent[j++]);
      } else {
        int c = sorted[i].compareTo(recent[j]);
        if (c < 0) {
          value = valueAt(i++, stored, fromCell);
        } else if (c > 0) {
          value = stored.apply(recent[j++]);
        } else { // in the array and created again since: look it up
          value = stored.apply(sorted[i++]);
          j++;
        }
      }
      if (value != null) {
        page.add(value);
      }
    }
    return page;
  }

  private <T> T valueAt(int k, Function<ProfileId, T> stored, Function<Object, T> fromCell) {
    Object cell = fromCell == null ? null : cells[k];
    return cell != null && cell != GONE ? fromCell.apply(cell) : stored.apply(sorted[k]);
  }

  private ProfileId[] sortedRecent() {
    ProfileId[] recent = created.toArray(new ProfileId[0]);
    Arrays.sort(recent);
    return recent;
  }

  /** The index of the first element of {@code ids} (sorted) greater than {@code after}. */
  private static int firstAfter(ProfileId[] ids, ProfileId after) {
    int lo = 0;
    int hi = ids.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ids[mid].compareTo(after) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
