package dev.clientele;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A host's own storage backend written the way a host would write one from the SPI's Javadoc
 * alone: it implements only the abstract methods of {@link Storage} (plain maps under one lock)
 * and keeps every default method ({@code ownedProfiles}, {@code readAhead}, {@code
 * containedEvents}, {@code forEachProfile}, {@code close}). Whether it applies merge-record
 * redactions is a constructor argument: {@code false} keeps the default {@code
 * redactsMergeRecordsInPlace()} as well (its {@code commit} then ignores redactions, as a backend
 * written before they existed would), {@code true} applies them and answers {@code true}, as
 * {@link Storage#redactsMergeRecordsInPlace()} asks of a backend that does.
 *
 * <p>It is independent of {@link dev.clientele.core.spi.InMemoryStorage}: differences between the
 * two seen through the facade are bugs in one of them, in a default method or in what the facade
 * assumes about backends.
 */
class MinimalHostStorage implements Storage {
  private final boolean redacts;
  private final Map<ProfileId, Profile> profiles = new TreeMap<>();
  private final Map<Identifier, ProfileId> index = new HashMap<>();
  private final Map<String, StoredEvent> events = new LinkedHashMap<>();
  private final Set<String> tombstones = new HashSet<>();
  private final List<MergeRecord> log = new ArrayList<>();
  /** Calls of the whole-store scans ({@code allEvents}, {@code forEachMergeRecord}, {@code profiles}), by method name. */
  private final Map<String, java.util.concurrent.atomic.LongAdder> scans = new java.util.concurrent.ConcurrentHashMap<>();
  /** Streams of {@code allEvents} not closed yet. */
  private final java.util.concurrent.atomic.AtomicInteger openStreams = new java.util.concurrent.atomic.AtomicInteger();

  /** A minimal backend that keeps the default {@code redactsMergeRecordsInPlace()} (false) and ignores redactions. */
  MinimalHostStorage() {
    this(false);
  }

  /**
   * A minimal backend.
   *
   * @param redacts whether commits apply merge-record redactions (and the backend says so)
   */
  MinimalHostStorage(boolean redacts) {
    this.redacts = redacts;
  }

  /** The minimal backend with redactions, as a subclass: the only override of a default is this answer. */
  static Storage redacting() {
    return new MinimalHostStorage(true) {
      @Override
      public boolean redactsMergeRecordsInPlace() {
        return true;
      }
    };
  }

  @Override
  public synchronized void commit(Commit commit) {
    requireNonNull(commit, "commit");
    // Check every expectation against the state before the commit, in the order the Javadoc
    // applies the parts, then apply: all or nothing.
    for (Commit.ProfileWrite w : commit.profileWrites()) {
      Profile now = profiles.get(w.profile().id());
      long version = now == null ? 0 : now.version();
      if (version != w.expectedVersion()) {
        throw new CommitConflictException("profile " + w.profile().id() + " is at version " + version);
      }
    }
    for (Commit.ProfileDelete d : commit.profileDeletes()) {
      Profile now = profiles.get(d.id());
      if (now == null || now.version() != d.expectedVersion()) {
        throw new CommitConflictException("profile " + d.id() + " to delete is not at the expected version");
      }
    }
    for (Commit.IndexWrite w : commit.indexWrites()) {
      if (!Optional.ofNullable(index.get(w.identifier())).equals(w.expectedOwner())) {
        throw new CommitConflictException("an index entry changed owner");
      }
    }
    Set<Identifier> erasedAnchors = new HashSet<>(commit.eventErasures());
    for (StoredEvent e : commit.appends()) {
      StoredEvent stored = events.get(e.event().id());
      if (stored != null && !erasedAnchors.contains(stored.anchor())) {
        throw new CommitConflictException("event " + e.event().id() + " is already stored");
      }
    }
    List<MergeRecord> logAfterErasures = new ArrayList<>();
    for (MergeRecord r : log) {
      if (commit.mergeRecordErasures().stream().noneMatch(r::names)) {
        logAfterErasures.add(r);
      }
    }
    if (redacts) {
      for (MergeRecord replacement : commit.mergeRecordRedactions()) {
        MergeRecord stored = find(logAfterErasures, replacement.id());
        if (stored == null || !replacement.redacts(stored)) {
          throw new CommitConflictException("merge record " + replacement.id() + " is missing or changed");
        }
      }
    }
    for (MergeRecord r : commit.mergeRecords()) {
      if (find(log, r.id()) != null) {
        throw new CommitConflictException("merge record " + r.id() + " is already logged");
      }
    }

    for (Commit.ProfileWrite w : commit.profileWrites()) {
      profiles.put(w.profile().id(), w.profile());
    }
    for (Commit.ProfileDelete d : commit.profileDeletes()) {
      profiles.remove(d.id());
    }
    for (Commit.IndexWrite w : commit.indexWrites()) {
      if (w.newOwner().isPresent()) {
        index.put(w.identifier(), w.newOwner().get());
      } else {
        index.remove(w.identifier());
      }
    }
    events.values().removeIf(e -> erasedAnchors.contains(e.anchor()));
    for (StoredEvent e : commit.appends()) {
      events.put(e.event().id(), e);
    }
    tombstones.addAll(commit.tombstones());
    log.clear();
    log.addAll(logAfterErasures);
    if (redacts) {
      for (MergeRecord replacement : commit.mergeRecordRedactions()) {
        for (int i = 0; i < log.size(); i++) {
          if (log.get(i).id().equals(replacement.id())) {
            log.set(i, replacement);
          }
        }
      }
    }
    log.addAll(commit.mergeRecords());
  }

  /** How many times the whole-store scan {@code method} was called so far. */
  long scans(String method) {
    java.util.concurrent.atomic.LongAdder n = scans.get(method);
    return n == null ? 0 : n.sum();
  }

  /** How many streams of {@code allEvents} were opened and not closed. */
  int openStreams() {
    return openStreams.get();
  }

  private void scanned(String method) {
    scans.computeIfAbsent(method, m -> new java.util.concurrent.atomic.LongAdder()).increment();
  }

  private static MergeRecord find(List<MergeRecord> records, String id) {
    for (MergeRecord r : records) {
      if (r.id().equals(id)) {
        return r;
      }
    }
    return null;
  }

  @Override
  public synchronized Optional<Profile> profile(ProfileId id) {
    requireNonNull(id, "id");
    return Optional.ofNullable(profiles.get(id));
  }

  @Override
  public synchronized List<Profile> profiles(Optional<ProfileId> after, int limit) {
    requireNonNull(after, "after");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    scanned("profiles");
    List<Profile> page = new ArrayList<>();
    for (Profile p : profiles.values()) {
      if (page.size() == limit) {
        break;
      }
      if (after.isEmpty() || p.id().compareTo(after.get()) > 0) {
        page.add(p);
      }
    }
    return page;
  }

  @Override
  public synchronized long profileCount() {
    return profiles.size();
  }

  @Override
  public synchronized Optional<ProfileId> owner(Identifier identifier) {
    requireNonNull(identifier, "identifier");
    return Optional.ofNullable(index.get(identifier));
  }

  @Override
  public synchronized Map<Identifier, ProfileId> owners(Collection<Identifier> identifiers) {
    noNulls(identifiers, "identifiers");
    // No order is promised: this one answers in the reverse of the order asked.
    List<Identifier> asked = new ArrayList<>(identifiers);
    java.util.Collections.reverse(asked);
    Map<Identifier, ProfileId> out = new LinkedHashMap<>();
    for (Identifier i : asked) {
      ProfileId owner = index.get(i);
      if (owner != null) {
        out.put(i, owner);
      }
    }
    return out;
  }

  @Override
  public synchronized boolean containsEvent(String eventId) {
    requireNonNull(eventId, "eventId");
    return events.containsKey(eventId);
  }

  @Override
  public synchronized List<StoredEvent> events(Collection<Identifier> anchors) {
    noNulls(anchors, "anchors");
    Set<Identifier> wanted = new HashSet<>(anchors);
    List<StoredEvent> out = new ArrayList<>();
    for (StoredEvent e : events.values()) {
      if (wanted.contains(e.anchor())) {
        out.add(e);
      }
    }
    out.sort(StoredEvent.TIMELINE_ORDER);
    return out;
  }

  /** From one consistent state: a copy taken under the lock, newest append first (no order is promised). */
  @Override
  public synchronized Stream<StoredEvent> allEvents() {
    scanned("allEvents");
    List<StoredEvent> copy = new ArrayList<>(events.values());
    java.util.Collections.reverse(copy);
    openStreams.incrementAndGet();
    return copy.stream().onClose(openStreams::decrementAndGet);
  }

  @Override
  public synchronized long eventCount() {
    return events.size();
  }

  @Override
  public synchronized boolean isTombstoned(String hash) {
    requireNonNull(hash, "hash");
    return tombstones.contains(hash);
  }

  @Override
  public synchronized long tombstoneCount() {
    return tombstones.size();
  }

  @Override
  public synchronized List<MergeRecord> mergeRecords(ProfileId profile) {
    requireNonNull(profile, "profile");
    List<MergeRecord> out = new ArrayList<>();
    for (MergeRecord r : log) {
      if (r.names(profile)) {
        out.add(r);
      }
    }
    return out;
  }

  @Override
  public synchronized Optional<MergeRecord> mergeRecord(String id) {
    requireNonNull(id, "id");
    return Optional.ofNullable(find(log, id));
  }

  @Override
  public synchronized List<MergeRecord> splitsNaming(Collection<Identifier> identifiers) {
    noNulls(identifiers, "identifiers");
    List<MergeRecord> out = new ArrayList<>();
    for (MergeRecord r : log) {
      if (r.kind() == MergeRecord.Kind.SPLIT && identifiers.stream().anyMatch(r::holds)) {
        out.add(r);
      }
    }
    return out;
  }

  /** Calls {@code action} outside the lock, on a copy of the log. */
  @Override
  public void forEachMergeRecord(Consumer<MergeRecord> action) {
    requireNonNull(action, "action");
    scanned("forEachMergeRecord");
    List<MergeRecord> copy;
    synchronized (this) {
      copy = new ArrayList<>(log);
    }
    copy.forEach(action);
  }

  /** The contract's null rule for a collection argument: null itself, or a null inside it, named. */
  private static void noNulls(Collection<?> values, String name) {
    requireNonNull(values, name);
    for (Object v : values) {
      requireNonNull(v, () -> name + " must not contain null");
    }
  }
}
