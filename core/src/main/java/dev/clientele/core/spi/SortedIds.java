package dev.clientele.core.spi;

import dev.clientele.core.ProfileId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The profile ids of {@link InMemoryStorage} in sorted order, for paging; not thread-safe (the
 * storage guards it with the monitor of this object).
 *
 * <p>Ingestion creates a profile for about one event in three, so a sorted structure changed
 * on every creation (a skip list or tree: a dozen or more cache misses per insert) would cost
 * ingestion more than everything else in a commit. Instead, a sorted array is rebuilt only
 * when a page is read after enough changes; ids created since the last rebuild are appended
 * to a list (one array store) and deleted ones noted in a set. A page merges the array with
 * the sorted list of recent ids and skips ids no longer stored. A rebuild costs one pass over
 * all ids plus sorting the recent ones; it runs when a page is read after the recent changes exceed
 * {@code max(1024, ids / 64)}, so paging during heavy ingestion re-sorts at most that many ids
 * per page, and when a commit of the storage finds its log of changes overdue (see {@code
 * InMemoryStorage#foldLogs}), so that the changes stay bounded when nobody pages.
 *
 * <p>Beside each sorted id it can keep the id's storage cell (an object of the storage's choice
 * that leads to the current profile without a lookup by id), so that a page of a store that has
 * not changed since the last rebuild is a slice of that array, not one hash lookup per profile.
 * A rebuild carries the known cells over for ids that were not deleted before the logs it folds
 * were taken and leaves the others unknown (a cell carried over may belong to a profile deleted
 * since: a page checks every cell it uses, see {@code InMemoryStorage#profileOf}); {@link #fillCells} looks the unknown ones up, and a page looks up by id any id
 * whose cell is unknown.
 *
 * <p>Sorting and merging compare a {@link #sortKey} of each id first: its first nine characters
 * packed into a {@code long} (profile ids are ASCII, 7 bits a character), kept beside the sorted
 * array. Only ids that share those nine characters compare their strings, so a rebuild reads
 * each id's characters once instead of at every comparison (each a likely cache miss).
 */
final class SortedIds {
  private ProfileId[] sorted = new ProfileId[0];
  /** The {@link #sortKey} of each id of {@link #sorted} (same index). */
  private long[] keys = new long[0];
  /** The cell of each id of {@link #sorted} (same index), or null where not known. */
  private Object[] cells = new Object[0];
  /** How many entries of {@link #cells} are null. */
  private int unknownCells;
  private ArrayList<ProfileId> created = new ArrayList<>();
  /** Deleted since the last rebuild, in no order, possibly more than once. */
  private ArrayList<ProfileId> deleted = new ArrayList<>();
  private static final Keyed NO_IDS = new Keyed(new ProfileId[0], new long[0]);
  /**
   * The cell of an id that had none when {@link #fillCells} ran (deleted since the last
   * rebuild): known to be gone, so that one deletion does not leave the cells incomplete (and
   * every page taking the write lock) until the next rebuild. Read by looking the id up.
   */
  private static final Object GONE = new Object();

  /**
   * Logs of created and deleted ids taken whole ({@link #takeCreated}, {@link #takeDeleted}) and
   * not yet copied into {@link #created} and {@link #deleted}: a fold takes the storage's logs
   * while it holds the locks that keep commits out, and copies them after releasing those locks.
   */
  private final ArrayList<List<ProfileId>> createdLogs = new ArrayList<>();
  private final ArrayList<List<ProfileId>> deletedLogs = new ArrayList<>();
  /** How many of {@link #createdLogs} (then of {@link #deletedLogs}) are already copied (a copy that failed half-way). */
  private int createdCopied;
  private int deletedCopied;

  /** Changes not folded into the sorted array yet. */
  int pendingChanges() {
    int n = created.size() + deleted.size();
    for (int k = createdCopied; k < createdLogs.size(); k++) {
      n += createdLogs.get(k).size();
    }
    for (int k = deletedCopied; k < deletedLogs.size(); k++) {
      n += deletedLogs.get(k).size();
    }
    return n;
  }

  /**
   * Makes room to take {@code logs} more logs of each kind, so that {@link #takeCreated} and
   * {@link #takeDeleted} then allocate nothing (and cannot fail half-way).
   */
  void reserveLogs(int logs) {
    createdLogs.ensureCapacity(createdLogs.size() + logs);
    deletedLogs.ensureCapacity(deletedLogs.size() + logs);
  }

  /**
   * Takes a log of created ids as it is (the caller hands it over and no longer changes it):
   * one reference stored, no copy; room for it must be {@linkplain #reserveLogs reserved}.
   */
  void takeCreated(List<ProfileId> log) {
    createdLogs.add(log);
  }

  /** Takes a log of deleted ids like {@link #takeCreated}. */
  void takeDeleted(List<ProfileId> log) {
    deletedLogs.add(log);
  }

  /**
   * Copies the taken logs into {@link #created} and {@link #deleted}. A copy that fails (out of
   * memory) leaves the logs not yet copied in place, for the next call to copy.
   */
  private void copyTakenLogs() {
    for (; createdCopied < createdLogs.size(); createdCopied++) {
      created.addAll(createdLogs.get(createdCopied));
    }
    for (; deletedCopied < deletedLogs.size(); deletedCopied++) {
      deleted.addAll(deletedLogs.get(deletedCopied));
    }
    createdLogs.clear();
    createdCopied = 0;
    deletedLogs.clear();
    deletedCopied = 0;
  }

  /** Notes profiles created (or re-created) with these ids. */
  void created(List<ProfileId> ids) {
    created.addAll(ids);
  }

  /** Notes profiles deleted. */
  void deleted(List<ProfileId> ids) {
    deleted.addAll(ids);
  }

  /** The number of ids in the sorted array (some may have been deleted since the last rebuild). */
  int sortedSize() {
    return sorted.length;
  }

  /**
   * The order of {@code id} in its first nine characters: 7 bits each (ids are ASCII), 0 past its
   * end, so {@code sortKey(a) < sortKey(b)} implies {@code a < b}, and equal keys say nothing
   * beyond a common start.
   */
  static long sortKey(ProfileId id) {
    String v = id.value();
    int n = Math.min(v.length(), 9);
    long key = 0;
    for (int i = 0; i < 9; i++) {
      key = (key << 7) | (i < n ? v.charAt(i) & 0x7F : 0);
    }
    return key;
  }

  private static int compare(ProfileId a, long ka, ProfileId b, long kb) {
    return ka != kb ? Long.compare(ka, kb) : a.compareTo(b);
  }

  /** Whether pages should {@link #rebuild} first. */
  boolean needsRebuild() {
    return pendingChanges() > Math.max(1024, sorted.length / 64);
  }

  /**
   * Folds the recent changes into the sorted array; {@code stored} tells which ids exist now (it
   * is asked only about ids deleted since the last rebuild). When the storage's commits run
   * meanwhile, {@code stored} must answer exactly at the moment it is asked: an id it finds
   * absent is dropped, which is right only because a later creation of that id is noted in a log
   * that a later fold or page takes.
   */
  void rebuild(Function<ProfileId, Object> stored) {
    copyTakenLogs();
    Keyed recent = sortedRecent();
    Keyed gone = deleted.isEmpty() ? NO_IDS : Keyed.sorted(deleted);
    ProfileId[] out = new ProfileId[sorted.length + recent.ids.length];
    long[] outKeys = new long[out.length];
    Object[] outCells = new Object[out.length];
    int unknown = 0;
    int n = 0;
    int i = 0;
    int j = 0;
    int g = 0;
    ProfileId last = null;
    while (i < sorted.length || j < recent.ids.length) {
      ProfileId next;
      long key;
      Object cell = null;
      if (j >= recent.ids.length || (i < sorted.length && compare(sorted[i], keys[i], recent.ids[j], recent.keys[j]) <= 0)) {
        cell = cells[i];
        key = keys[i];
        next = sorted[i++];
      } else {
        key = recent.keys[j];
        next = recent.ids[j++];
      }
      if (next.equals(last)) {
        continue;
      }
      last = next;
      // Only a deleted id needs the lookup: the others are known to exist. The deleted ids are
      // sorted too, so finding one is a step along them.
      while (g < gone.ids.length && compare(gone.ids[g], gone.keys[g], next, key) < 0) {
        g++;
      }
      if (g < gone.ids.length && gone.keys[g] == key && gone.ids[g].equals(next)) {
        if (stored.apply(next) == null) {
          continue;
        }
        cell = null; // deleted and created again: a new cell
      }
      if (cell == null) {
        unknown++;
      }
      outCells[n] = cell;
      outKeys[n] = key;
      out[n++] = next;
    }
    // Every copy made before any is kept: a copy that fails (out of memory) leaves this as it was.
    ProfileId[] newSorted = Arrays.copyOf(out, n);
    long[] newKeys = Arrays.copyOf(outKeys, n);
    Object[] newCells = Arrays.copyOf(outCells, n);
    sorted = newSorted;
    keys = newKeys;
    cells = newCells;
    unknownCells = unknown;
    created = emptied(created);
    deleted = emptied(deleted);
  }

  /** {@code list} emptied; a new list instead of one that held many, so that its capacity is not kept. */
  private static ArrayList<ProfileId> emptied(ArrayList<ProfileId> list) {
    if (list.size() > 4096) {
      return new ArrayList<>();
    }
    list.clear();
    return list;
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
    copyTakenLogs(); // normally none: a fold rebuilds after taking logs, unless that failed
    Keyed keyed = created.isEmpty() ? NO_IDS : sortedRecent();
    ProfileId[] recent = keyed.ids;
    int i = after.isPresent() ? firstAfter(sorted, keys, after.get()) : 0;
    int j = after.isPresent() ? firstAfter(recent, keyed.keys, after.get()) : 0;
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
        int c = compare(sorted[i], keys[i], recent[j], keyed.keys[j]);
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

  private Keyed sortedRecent() {
    return Keyed.sorted(created);
  }

  /** The index of the first element of {@code ids} (sorted, with their {@code keys}) greater than {@code after}. */
  private static int firstAfter(ProfileId[] ids, long[] keys, ProfileId after) {
    long afterKey = sortKey(after);
    int lo = 0;
    int hi = ids.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(ids[mid], keys[mid], after, afterKey) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Ids in order with their {@link #sortKey}s (same index). */
  private static final class Keyed {
    final ProfileId[] ids;
    final long[] keys;

    Keyed(ProfileId[] ids, long[] keys) {
      this.ids = ids;
      this.keys = keys;
    }

    /**
     * {@code list} sorted: a merge sort of indices by key (stable, n log n in the worst case),
     * reading each id's characters once to make its key and again only for ties of keys.
     */
    static Keyed sorted(List<ProfileId> list) {
      int n = list.size();
      ProfileId[] ids = list.toArray(new ProfileId[0]);
      long[] keys = new long[n];
      int[] order = new int[n];
      for (int k = 0; k < n; k++) {
        keys[k] = sortKey(ids[k]);
        order[k] = k;
      }
      int[] tmp = new int[n];
      for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n - width; lo += 2 * width) {
          int mid = lo + width;
          int hi = Math.min(lo + 2 * width, n);
          if (compare(ids[order[mid - 1]], keys[order[mid - 1]], ids[order[mid]], keys[order[mid]]) <= 0) {
            continue; // already in order
          }
          System.arraycopy(order, lo, tmp, lo, hi - lo);
          int a = lo;
          int b = mid;
          for (int k = lo; k < hi; k++) {
            if (b >= hi || (a < mid && compare(ids[tmp[a]], keys[tmp[a]], ids[tmp[b]], keys[tmp[b]]) <= 0)) {
              order[k] = tmp[a++];
            } else {
              order[k] = tmp[b++];
            }
          }
        }
      }
      ProfileId[] outIds = new ProfileId[n];
      long[] outKeys = new long[n];
      for (int k = 0; k < n; k++) {
        outIds[k] = ids[order[k]];
        outKeys[k] = keys[order[k]];
      }
      return new Keyed(outIds, outKeys);
    }
  }
}
