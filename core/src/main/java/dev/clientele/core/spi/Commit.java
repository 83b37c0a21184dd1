package dev.clientele.core.spi;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One atomic unit of change: profile writes and deletes, index changes and event appends, each
 * with the expectation it was computed from.
 *
 * <p>A commit carries optimistic-concurrency expectations rather than locks, so it maps onto a
 * JDBC transaction (check versions with {@code SELECT … FOR UPDATE} or a versioned
 * {@code UPDATE … WHERE version = ?}) as well as onto a key-value store with compare-and-set.
 *
 * <pre>{@code
 * storage.commit(Commit.builder()
 *     .putProfile(updated, current.version())
 *     .assign(email, Optional.empty(), updated.id())
 *     .append(new StoredEvent(event, email))
 *     .build());
 * }</pre>
 *
 * <p>A backend must apply every part, also those added after it was written: in particular the
 * {@linkplain #mergeRecordRedactions() merge-record redactions}, which it declares with {@link
 * Storage#redactsMergeRecordsInPlace()} (erasure refuses to redact on a backend that does not).
 */
public final class Commit {
  /**
   * Write {@code profile}, expecting the stored version to be {@code expectedVersion} (0: no
   * profile with this id exists). {@code profile.version()} must be greater than {@code
   * expectedVersion}: {@code expectedVersion + 1} for an update, higher for a merge (one more than
   * the highest version of the profiles it joins) and for a profile a split restores under an id it
   * had before (one more than the version of the profile it is split from), so that a profile id
   * never holds a version again that it held before it was deleted. A writer that read an earlier
   * life of the id must fail its version check, not overwrite the restored profile.
   *
   * @param profile the new state
   * @param expectedVersion the version it was computed from
   */
  public record ProfileWrite(Profile profile, long expectedVersion) {
    /** Validates the write. */
    public ProfileWrite {
      requireNonNull(profile, "profile");
      checkArgument(expectedVersion >= 0, "expectedVersion must be >= 0: %s", expectedVersion);
      checkArgument(
          profile.version() > expectedVersion,
          "profile version must be greater than expectedVersion: %s <= %s",
          profile.version(),
          expectedVersion);
    }
  }

  /**
   * Delete a profile, expecting its stored version to be {@code expectedVersion}.
   *
   * @param id the profile
   * @param expectedVersion its version as read (at least 1)
   */
  public record ProfileDelete(ProfileId id, long expectedVersion) {
    /** Validates the delete. */
    public ProfileDelete {
      requireNonNull(id, "id");
      checkArgument(expectedVersion >= 1, "expectedVersion of a delete must be >= 1: %s", expectedVersion);
    }
  }

  /**
   * Change the owner of an identifier, expecting its current owner to be {@code expectedOwner}.
   *
   * @param identifier the identifier
   * @param expectedOwner the owner as read; empty if it had none
   * @param newOwner the new owner; empty removes the entry
   */
  public record IndexWrite(Identifier identifier, Optional<ProfileId> expectedOwner, Optional<ProfileId> newOwner) {
    /** Validates the change. */
    public IndexWrite {
      requireNonNull(identifier, "identifier");
      requireNonNull(expectedOwner, "expectedOwner");
      requireNonNull(newOwner, "newOwner");
    }
  }

  // The three parts of every ingested event's commit (one profile write, an index write or a
  // few, one append) are each held as their one entry itself, or as an ImmutableList when they
  // have none or several: the store reads them by index (profileWriteCount()/profileWriteAt(i)
  // and so on) without a list per part and commit; the public accessors make the one-entry list
  // when asked.
  private final Object profileWrites;
  private final Object indexWrites;
  /**
   * The appends, held as the other two parts are, or, when the commit has any of the rarer parts
   * (deletes, erasures, merge log), a {@link Rare} holding them and the appends: three fields
   * (24 bytes) for the commit of every ingested event, which has none of them. Read through
   * {@link #appendsPart()} and {@link #rare()}.
   */
  private final Object appendsOrRare;

  /** The rarer parts of a commit, all in one object: an ingested event's commit has none of them. */
  private static final class Rare {
    final ImmutableList<ProfileDelete> profileDeletes;
    final ImmutableList<Identifier> eventErasures;
    final ImmutableList<String> tombstones;
    final ImmutableList<MergeRecord> mergeRecords;
    final ImmutableList<ProfileId> mergeRecordErasures;
    final ImmutableList<MergeRecord> mergeRecordRedactions;
    /** The commit's appends, held as {@link #built} gives them (never a {@code Rare}). */
    final Object appends;

    Rare(Builder.RareParts b, Object appends) {
      this.appends = appends;
      this.mergeRecordRedactions =
          b.mergeRecordRedactions == null ? ImmutableList.of() : b.mergeRecordRedactions.build();
      this.mergeRecords = b.mergeRecords == null ? ImmutableList.of() : b.mergeRecords.build();
      this.mergeRecordErasures =
          b.mergeRecordErasures == null ? ImmutableList.of() : ImmutableList.copyOf(b.mergeRecordErasures);
      this.eventErasures = b.eventErasures == null ? ImmutableList.of() : ImmutableList.copyOf(b.eventErasures);
      this.tombstones = b.tombstones == null ? ImmutableList.of() : ImmutableList.copyOf(b.tombstones);
      this.profileDeletes = b.profileDeletes == null ? ImmutableList.of() : b.profileDeletes.build();
    }
  }

  private Commit(Builder b) {
    this.profileWrites = built(b.firstWrite, b.rare == null ? null : b.rare.profileWrites);
    Parts<IndexWrite> moreIndexWrites = b.rare == null ? null : b.rare.indexWrites;
    this.indexWrites = moreIndexWrites == null && b.secondIndexWrite != null
        ? ImmutableList.of(b.firstIndexWrite, b.secondIndexWrite)
        : built(b.firstIndexWrite, moreIndexWrites);
    Object appends = built(b.firstAppend, b.rare == null ? null : b.rare.appends);
    this.appendsOrRare = b.rare == null || !b.rare.hasRareParts() ? appends : new Rare(b.rare, appends);
  }

  /** The appends, held as {@link #built} gives them. */
  private Object appendsPart() {
    return appendsOrRare instanceof Rare r ? r.appends : appendsOrRare;
  }

  /** The rarer parts, or null if the commit has none. */
  private Rare rare() {
    return appendsOrRare instanceof Rare r ? r : null;
  }

  /**
   * A part held as its first entry in a builder field and, from the second entry on, in {@code
   * more}: its one entry itself, else an {@link ImmutableList} of its entries (empty if none).
   */
  private static <T> Object built(T first, Parts<T> more) {
    if (more != null) {
      return more.build();
    }
    return first == null ? ImmutableList.of() : first;
  }

  /** The entries of a part held as {@link #built} gives it. */
  @SuppressWarnings("unchecked")
  private static <T> ImmutableList<T> list(Object part) {
    return part instanceof ImmutableList<?> l ? (ImmutableList<T>) l : ImmutableList.of((T) part);
  }

  /** The number of entries of a part held as {@link #built} gives it. */
  private static int count(Object part) {
    return part instanceof ImmutableList<?> l ? l.size() : 1;
  }

  /** Entry {@code i} of a part held as {@link #built} gives it. */
  @SuppressWarnings("unchecked")
  private static <T> T at(Object part, int i) {
    if (part instanceof ImmutableList<?> l) {
      return (T) l.get(i);
    }
    if (i != 0) {
      throw new IndexOutOfBoundsException("index " + i + " of 1 entry");
    }
    return (T) part;
  }

  /** Starts an empty commit. */
  public static Builder builder() {
    return new Builder();
  }

  /** Profiles to write, each at most once. An unmodifiable list. */
  public List<ProfileWrite> profileWrites() {
    return list(profileWrites);
  }

  /** {@code profileWrites().size()} without the list. */
  int profileWriteCount() {
    return count(profileWrites);
  }

  /** {@code profileWrites().get(i)} without the list. */
  ProfileWrite profileWriteAt(int i) {
    return at(profileWrites, i);
  }

  /** Profiles to delete, none of them also written. An unmodifiable list. */
  public List<ProfileDelete> profileDeletes() {
    Rare rare = rare();
    return rare == null ? ImmutableList.of() : rare.profileDeletes;
  }

  /** Index changes, each identifier at most once. An unmodifiable list. */
  public List<IndexWrite> indexWrites() {
    return list(indexWrites);
  }

  /** {@code indexWrites().size()} without the list. */
  int indexWriteCount() {
    return count(indexWrites);
  }

  /** {@code indexWrites().get(i)} without the list. */
  IndexWrite indexWriteAt(int i) {
    return at(indexWrites, i);
  }

  /** Events to append, each id at most once; every id must be new to the store. An unmodifiable list. */
  public List<StoredEvent> appends() {
    return list(appendsPart());
  }

  /** {@code appends().size()} without the list. */
  int appendCount() {
    return count(appendsPart());
  }

  /** {@code appends().get(i)} without the list. */
  StoredEvent appendAt(int i) {
    return at(appendsPart(), i);
  }

  /**
   * Anchors whose events are erased: every stored event anchored at one of these is removed,
   * its id included, so {@code containsEvent} forgets it. Applied before {@link #appends()}, so
   * the same commit may append an event with the id of one it erases (erasure keeps another
   * person's event that way, without the erased values, under that person's identifier); any
   * other stored id is still a conflict.
   *
   * <p>An unmodifiable list.
   */
  public List<Identifier> eventErasures() {
    Rare rare = rare();
    return rare == null ? ImmutableList.of() : rare.eventErasures;
  }

  /** Tombstone hashes to write (writing an existing one is not a conflict). An unmodifiable list. */
  public List<String> tombstones() {
    Rare rare = rare();
    return rare == null ? ImmutableList.of() : rare.tombstones;
  }

  /**
   * Merge-log records to append, each id at most once; every id must be new to the store.
   * Applied after {@link #mergeRecordErasures()} and {@link #mergeRecordRedactions()}, at the end
   * of the log in this order.
   *
   * <p>An unmodifiable list.
   */
  public List<MergeRecord> mergeRecords() {
    Rare rare = rare();
    return rare == null ? ImmutableList.of() : rare.mergeRecords;
  }

  /**
   * Profiles whose merge-log records are erased: every stored record {@linkplain
   * MergeRecord#names naming} one of them is removed. Applied before {@link #mergeRecords()}.
   *
   * <p>An unmodifiable list.
   */
  public List<ProfileId> mergeRecordErasures() {
    Rare rare = rare();
    return rare == null ? ImmutableList.of() : rare.mergeRecordErasures;
  }

  /**
   * Merge-log records that replace, in place, the stored record with the same id: each a
   * {@linkplain MergeRecord#redacts redaction} of it (the same record with some identifiers
   * removed, as {@link MergeRecord#without} makes it), each id at most once. Erasure uses them to
   * remove an erased profile's identifiers from records that do not name it. The replacement keeps
   * the record's position in the log ({@link MergeLog#forEachMergeRecord}) and in the records of
   * each profile it names ({@link MergeLog#mergeRecords(ProfileId)}); it is found by {@link
   * MergeLog#splitsNaming} by the identifiers it still holds only.
   *
   * <p>Applied after {@link #mergeRecordErasures()} and before {@link #mergeRecords()}. It is an
   * expectation like the others: if no record with the id is stored once this commit's erasures
   * are applied (it was never logged, was erased meanwhile, or this commit erases it), or the
   * stored record is not one that the replacement redacts (it changed since it was read: another
   * erasure redacted it), {@link Storage#commit} throws {@link CommitConflictException} and
   * applies nothing, so the caller reads the record again rather than put back identifiers
   * another erasure removed.
   *
   * <p>A backend that applies them says so with {@link Storage#redactsMergeRecordsInPlace()}; one
   * that does not (the default answer, so a backend written before redactions existed) is never
   * given a commit with redactions by erasure, which refuses instead.
   *
   * <p>An unmodifiable list.
   */
  public List<MergeRecord> mergeRecordRedactions() {
    Rare rare = rare();
    return rare == null ? ImmutableList.of() : rare.mergeRecordRedactions;
  }

  /** Whether the commit changes nothing. */
  public boolean isEmpty() {
    return profileWriteCount() == 0 && profileDeletes().isEmpty() && indexWriteCount() == 0 && appendCount() == 0
        && eventErasures().isEmpty() && tombstones().isEmpty() && mergeRecords().isEmpty() && mergeRecordErasures().isEmpty()
        && mergeRecordRedactions().isEmpty();
  }

  /** Collects the parts of a {@link Commit}; not thread-safe. */
  public static final class Builder {
    // The common commit of ingestion is one profile write, an index write or two and one
    // append: the first profile write, the first two index writes and the first append are
    // held in fields of the builder itself, and a part allocates its Parts (a list, and past a
    // few entries a hash set of keys for the duplicate checks) only when those are taken (a
    // merge, a derived event, a third new identifier). Those Parts are in the RareParts, made
    // on first use like the rarer parts: the builder, made per event, has five fields (32 bytes).
    private ProfileWrite firstWrite;
    private IndexWrite firstIndexWrite;
    private IndexWrite secondIndexWrite;
    private StoredEvent firstAppend;
    /** The rarer parts and the Parts of the common ones past their first entries, made on the first need. */
    private RareParts rare;

    private static final Function<ProfileWrite, Object> WRITE_KEY = w -> w.profile().id();
    private static final Function<IndexWrite, Object> INDEX_KEY = IndexWrite::identifier;
    private static final Function<StoredEvent, Object> APPEND_KEY = e -> e.event().id();

    private Builder() {}

    /**
     * The parts an ingested event's commit seldom has, each made on first use; also the Parts of
     * the profile writes and appends once they have a second entry.
     */
    static final class RareParts {
      Parts<ProfileWrite> profileWrites;
      /** The index writes once there are three or more (the first two are in the builder's fields too). */
      Parts<IndexWrite> indexWrites;
      Parts<StoredEvent> appends;
      Parts<ProfileDelete> profileDeletes;
      Set<Identifier> eventErasures;
      Set<String> tombstones;
      Parts<MergeRecord> mergeRecords;
      Set<ProfileId> mergeRecordErasures;
      Parts<MergeRecord> mergeRecordRedactions;

      /** Whether a part other than the profile writes', index writes' and appends' Parts was started. */
      boolean hasRareParts() {
        return profileDeletes != null || eventErasures != null || tombstones != null || mergeRecords != null
            || mergeRecordErasures != null || mergeRecordRedactions != null;
      }
    }

    private RareParts rare() {
      if (rare == null) {
        rare = new RareParts();
      }
      return rare;
    }

    /** Whether {@code k} is the key of an entry of a part held as {@code first} and, from its second entry on, {@code more}. */
    private static <T> boolean holds(T first, Parts<T> more, Function<T, Object> key, Object k) {
      return more != null ? more.containsKey(k) : first != null && key.apply(first).equals(k);
    }

    /** {@code more} with {@code value} added; made first, holding {@code first}, if it was null. */
    private static <T> Parts<T> grown(T first, Parts<T> more, Function<T, Object> key, T value) {
      Parts<T> parts = more;
      if (parts == null) {
        parts = new Parts<>(key);
        parts.add(first);
      }
      parts.add(value);
      return parts;
    }

    private boolean writesOrDeletes(ProfileId id) {
      return holds(firstWrite, rare == null ? null : rare.profileWrites, WRITE_KEY, id)
          || (rare != null && rare.profileDeletes != null && rare.profileDeletes.containsKey(id));
    }

    /**
     * Writes {@code profile} over version {@code expectedVersion}.
     *
     * @throws IllegalArgumentException if this profile is already written or deleted in this commit
     */
    public Builder putProfile(Profile profile, long expectedVersion) {
      ProfileWrite w = new ProfileWrite(profile, expectedVersion);
      checkArgument(!writesOrDeletes(profile.id()), "profile %s appears twice in one commit", profile.id());
      if (firstWrite == null) {
        firstWrite = w;
      } else {
        RareParts r = rare();
        r.profileWrites = grown(firstWrite, r.profileWrites, WRITE_KEY, w);
      }
      return this;
    }

    /**
     * Deletes profile {@code id} at version {@code expectedVersion}.
     *
     * @throws IllegalArgumentException if this profile is already written or deleted in this commit
     */
    public Builder deleteProfile(ProfileId id, long expectedVersion) {
      ProfileDelete d = new ProfileDelete(id, expectedVersion);
      checkArgument(!writesOrDeletes(id), "profile %s appears twice in one commit", id);
      RareParts r = rare();
      if (r.profileDeletes == null) {
        r.profileDeletes = new Parts<>(ProfileDelete::id);
      }
      r.profileDeletes.add(d);
      return this;
    }

    /**
     * Makes {@code owner} the owner of {@code identifier}, which is now owned by {@code expectedOwner}.
     *
     * @throws IllegalArgumentException if this identifier already changes in this commit
     */
    public Builder assign(Identifier identifier, Optional<ProfileId> expectedOwner, ProfileId owner) {
      requireNonNull(owner, "owner");
      // An event assigns all its identifiers to one owner: the Optional of the latest index
      // write's new owner is shared when it names the same profile.
      IndexWrite latest = latestIndexWrite();
      Optional<ProfileId> present = latest != null && latest.newOwner().isPresent() && latest.newOwner().get() == owner
          ? latest.newOwner()
          : Optional.of(owner);
      return index(new IndexWrite(identifier, expectedOwner, present));
    }

    /** The index write added last, or null if none. */
    private IndexWrite latestIndexWrite() {
      Parts<IndexWrite> more = rare == null ? null : rare.indexWrites;
      return more != null ? more.last() : secondIndexWrite != null ? secondIndexWrite : firstIndexWrite;
    }

    /**
     * Removes {@code identifier} from the index; it is now owned by {@code expectedOwner}.
     *
     * @throws IllegalArgumentException if this identifier already changes in this commit
     */
    public Builder unassign(Identifier identifier, ProfileId expectedOwner) {
      return index(new IndexWrite(identifier, Optional.of(requireNonNull(expectedOwner, "expectedOwner")), Optional.empty()));
    }

    private Builder index(IndexWrite w) {
      if (firstIndexWrite == null) {
        firstIndexWrite = w;
        return this;
      }
      Identifier id = w.identifier();
      Parts<IndexWrite> indexWrites = rare == null ? null : rare.indexWrites;
      checkArgument(indexWrites != null ? !indexWrites.containsKey(id)
              : !firstIndexWrite.identifier().equals(id) && (secondIndexWrite == null || !secondIndexWrite.identifier().equals(id)),
          "identifier %s appears twice in one commit", id);
      if (secondIndexWrite == null) {
        secondIndexWrite = w;
        return this;
      }
      if (indexWrites == null) {
        indexWrites = new Parts<>(INDEX_KEY);
        indexWrites.add(firstIndexWrite);
        indexWrites.add(secondIndexWrite);
        rare().indexWrites = indexWrites;
      }
      indexWrites.add(w);
      return this;
    }

    /**
     * Appends an event.
     *
     * @throws IllegalArgumentException if an event with this id is already in this commit
     */
    public Builder append(StoredEvent event) {
      requireNonNull(event, "event");
      if (firstAppend == null) {
        firstAppend = event;
        return this;
      }
      Parts<StoredEvent> appends = rare == null ? null : rare.appends;
      checkArgument(!holds(firstAppend, appends, APPEND_KEY, event.event().id()),
          "event %s appears twice in one commit", event.event().id());
      rare().appends = grown(firstAppend, appends, APPEND_KEY, event);
      return this;
    }

    /** Erases every event anchored at {@code anchor} (see {@link Commit#eventErasures()}). */
    public Builder eraseEvents(Identifier anchor) {
      requireNonNull(anchor, "anchor");
      RareParts r = rare();
      if (r.eventErasures == null) {
        r.eventErasures = new LinkedHashSet<>();
      }
      r.eventErasures.add(anchor);
      return this;
    }

    /**
     * Writes a tombstone.
     *
     * @throws IllegalArgumentException if {@code hash} is blank or longer than 128 characters
     */
    public Builder tombstone(String hash) {
      requireNonNull(hash, "hash");
      checkArgument(!hash.isBlank() && hash.length() <= 128, "tombstone hash must be 1 to 128 characters");
      RareParts r = rare();
      if (r.tombstones == null) {
        r.tombstones = new LinkedHashSet<>();
      }
      r.tombstones.add(hash);
      return this;
    }

    /**
     * Appends a record to the merge log.
     *
     * @throws IllegalArgumentException if a record with this id is already in this commit (logged
     *     or redacted)
     */
    public Builder logMerge(MergeRecord record) {
      requireNonNull(record, "record");
      RareParts r = rare();
      if (r.mergeRecords == null) {
        r.mergeRecords = new Parts<>(MergeRecord::id);
      }
      checkArgument(!r.mergeRecords.containsKey(record.id()) && !redacts(r, record.id()),
          "merge record %s appears twice in one commit", record.id());
      r.mergeRecords.add(record);
      return this;
    }

    /**
     * Replaces the stored merge-log record with {@code replacement}'s id by {@code replacement}, in
     * place (see {@link Commit#mergeRecordRedactions()}, which says when the commit conflicts).
     *
     * <pre>{@code
     * MergeRecord stored = storage.mergeRecord(id).orElseThrow();
     * storage.commit(Commit.builder().redactMergeRecord(stored.without(erased)).build());
     * }</pre>
     *
     * @param replacement the stored record without some of its identifiers ({@link MergeRecord#without})
     * @throws IllegalArgumentException if a record with this id is already in this commit (logged
     *     or redacted)
     */
    public Builder redactMergeRecord(MergeRecord replacement) {
      requireNonNull(replacement, "replacement");
      RareParts r = rare();
      if (r.mergeRecordRedactions == null) {
        r.mergeRecordRedactions = new Parts<>(MergeRecord::id);
      }
      checkArgument(!redacts(r, replacement.id()) && (r.mergeRecords == null || !r.mergeRecords.containsKey(replacement.id())),
          "merge record %s appears twice in one commit", replacement.id());
      r.mergeRecordRedactions.add(replacement);
      return this;
    }

    private static boolean redacts(RareParts r, String recordId) {
      return r.mergeRecordRedactions != null && r.mergeRecordRedactions.containsKey(recordId);
    }

    /** Erases every merge-log record naming {@code profile} (see {@link Commit#mergeRecordErasures()}). */
    public Builder eraseMergeRecords(ProfileId profile) {
      requireNonNull(profile, "profile");
      RareParts r = rare();
      if (r.mergeRecordErasures == null) {
        r.mergeRecordErasures = new LinkedHashSet<>();
      }
      r.mergeRecordErasures.add(profile);
      return this;
    }

    /** Builds the commit. */
    public Commit build() {
      return new Commit(this);
    }
  }

  /**
   * The entries of one part of a commit in order, each with a key that must not repeat, and a
   * hash set of the keys only past {@link #SCAN_LIMIT} entries (below that, looking a key up
   * scans the entries). Made on a part's first entry, or its second for the parts whose first
   * entry the {@link Builder} holds in a field.
   */
  private static final class Parts<T> {
    private static final int SCAN_LIMIT = 8;
    private final Function<T, Object> key;
    private final List<T> entries = new ArrayList<>(4);
    private Set<Object> keys;

    Parts(Function<T, Object> key) {
      this.key = key;
    }

    /** The entry added last (there is one: a Parts is made with its first entries). */
    T last() {
      return entries.get(entries.size() - 1);
    }

    boolean containsKey(Object k) {
      if (keys != null) {
        return keys.contains(k);
      }
      for (int i = 0; i < entries.size(); i++) {
        if (key.apply(entries.get(i)).equals(k)) {
          return true;
        }
      }
      return false;
    }

    void add(T value) {
      entries.add(value);
      if (keys != null) {
        keys.add(key.apply(value));
      } else if (entries.size() > SCAN_LIMIT) {
        keys = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
          keys.add(key.apply(entries.get(i)));
        }
      }
    }

    ImmutableList<T> build() {
      return ImmutableList.copyOf(entries);
    }
  }
}
