package dev.clientele;

import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** A storage that passes every call to another: stands in for a host's own backend. */
class ForwardingStorage implements Storage {
  private final Storage delegate;

  ForwardingStorage(Storage delegate) {
    this.delegate = delegate;
  }

  @Override
  public Optional<Profile> profile(ProfileId id) {
    return delegate.profile(id);
  }

  @Override
  public List<Profile> profiles(Optional<ProfileId> after, int limit) {
    return delegate.profiles(after, limit);
  }

  @Override
  public long profileCount() {
    return delegate.profileCount();
  }

  @Override
  public Optional<ProfileId> owner(Identifier identifier) {
    return delegate.owner(identifier);
  }

  @Override
  public Map<Identifier, ProfileId> owners(Collection<Identifier> identifiers) {
    return delegate.owners(identifiers);
  }

  @Override
  public boolean containsEvent(String eventId) {
    return delegate.containsEvent(eventId);
  }

  @Override
  public void readAhead(Collection<Identifier> identifiers, Collection<String> eventIds) {
    delegate.readAhead(identifiers, eventIds);
  }

  @Override
  public List<StoredEvent> events(Collection<Identifier> anchors) {
    return delegate.events(anchors);
  }

  @Override
  public Stream<StoredEvent> allEvents() {
    return delegate.allEvents();
  }

  @Override
  public long eventCount() {
    return delegate.eventCount();
  }

  @Override
  public boolean isTombstoned(String hash) {
    return delegate.isTombstoned(hash);
  }

  @Override
  public long tombstoneCount() {
    return delegate.tombstoneCount();
  }

  @Override
  public List<MergeRecord> mergeRecords(ProfileId profile) {
    return delegate.mergeRecords(profile);
  }

  @Override
  public Optional<MergeRecord> mergeRecord(String id) {
    return delegate.mergeRecord(id);
  }

  @Override
  public List<MergeRecord> splitsNaming(Collection<Identifier> identifiers) {
    return delegate.splitsNaming(identifiers);
  }

  @Override
  public void forEachMergeRecord(Consumer<MergeRecord> action) {
    delegate.forEachMergeRecord(action);
  }

  @Override
  public boolean redactsMergeRecordsInPlace() {
    return delegate.redactsMergeRecordsInPlace();
  }

  @Override
  public void commit(Commit commit) {
    delegate.commit(commit);
  }
}
