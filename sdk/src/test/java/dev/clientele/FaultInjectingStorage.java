package dev.clientele;

import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.StorageException;
import dev.clientele.core.spi.StoredEvent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A backend that fails on purpose: once {@linkplain #arm armed}, the n-th read (or commit) throws
 * {@link StorageException}, as a host's database would on a dropped connection. A commit can fail
 * before applying anything or after applying all of it (the SPI allows both). Reads of
 * {@link #delegate()} bypass the faults, for the test's own snapshots.
 */
final class FaultInjectingStorage extends ForwardingStorage {
  /** Where the fault strikes. */
  enum Mode {
    /** The n-th read throws. */
    READ,
    /** The n-th commit throws before applying anything. */
    COMMIT_BEFORE,
    /** The n-th commit is applied, then throws (the backend lost the acknowledgement). */
    COMMIT_AFTER
  }

  private final InMemoryStorage delegate;
  private Mode mode;
  private int countdown = -1;
  private boolean fired;

  FaultInjectingStorage() {
    this(new InMemoryStorage());
  }

  private FaultInjectingStorage(InMemoryStorage delegate) {
    super(delegate);
    this.delegate = delegate;
  }

  /** The store behind the faults. */
  InMemoryStorage delegate() {
    return delegate;
  }

  /** Fails the {@code n}-th (0-based) read or commit from now on, as {@code mode} says. */
  synchronized void arm(Mode mode, int n) {
    this.mode = mode;
    this.countdown = n;
    this.fired = false;
  }

  /** No more faults. */
  synchronized void disarm() {
    this.mode = null;
    this.countdown = -1;
  }

  /** Whether the armed fault was thrown. */
  synchronized boolean fired() {
    return fired;
  }

  private synchronized boolean due(boolean commit) {
    if (mode == null || countdown < 0 || (mode == Mode.READ) == commit) {
      return false;
    }
    if (countdown-- == 0) {
      fired = true;
      return true;
    }
    return false;
  }

  private void read() {
    if (due(false)) {
      throw new StorageException("injected read failure");
    }
  }

  @Override
  public Optional<Profile> profile(ProfileId id) {
    read();
    return super.profile(id);
  }

  @Override
  public List<Profile> profiles(Optional<ProfileId> after, int limit) {
    read();
    return super.profiles(after, limit);
  }

  @Override
  public long profileCount() {
    read();
    return super.profileCount();
  }

  @Override
  public Optional<ProfileId> owner(Identifier identifier) {
    read();
    return super.owner(identifier);
  }

  @Override
  public Map<Identifier, ProfileId> owners(Collection<Identifier> identifiers) {
    read();
    return super.owners(identifiers);
  }

  @Override
  public boolean containsEvent(String eventId) {
    read();
    return super.containsEvent(eventId);
  }

  @Override
  public void readAhead(Collection<Identifier> identifiers, Collection<String> eventIds) {
    read();
    super.readAhead(identifiers, eventIds);
  }

  @Override
  public List<StoredEvent> events(Collection<Identifier> anchors) {
    read();
    return super.events(anchors);
  }

  @Override
  public Stream<StoredEvent> allEvents() {
    read();
    return super.allEvents();
  }

  @Override
  public long eventCount() {
    read();
    return super.eventCount();
  }

  @Override
  public boolean isTombstoned(String hash) {
    read();
    return super.isTombstoned(hash);
  }

  @Override
  public long tombstoneCount() {
    read();
    return super.tombstoneCount();
  }

  @Override
  public List<MergeRecord> mergeRecords(ProfileId profile) {
    read();
    return super.mergeRecords(profile);
  }

  @Override
  public Optional<MergeRecord> mergeRecord(String id) {
    read();
    return super.mergeRecord(id);
  }

  @Override
  public List<MergeRecord> splitsNaming(Collection<Identifier> identifiers) {
    read();
    return super.splitsNaming(identifiers);
  }

  @Override
  public void forEachMergeRecord(Consumer<MergeRecord> action) {
    read();
    super.forEachMergeRecord(action);
  }

  @Override
  public void commit(Commit commit) {
    boolean fail = due(true);
    if (fail && mode == Mode.COMMIT_BEFORE) {
      throw new StorageException("injected commit failure (nothing applied)");
    }
    super.commit(commit);
    if (fail) {
      throw new StorageException("injected commit failure (all applied, acknowledgement lost)");
    }
  }
}
