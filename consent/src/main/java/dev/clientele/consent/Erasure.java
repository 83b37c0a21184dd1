package dev.clientele.consent;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.core.spi.Storage;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Erases a profile from storage in one atomic commit: the profile, its index entries, every
 * event anchored at its identifiers, every merge-log record naming it or a profile merged into
 * it, and writes a tombstone per identifier.
 *
 * <p>What it cannot reach: copies a host made elsewhere (exports, its own logs). Events are
 * anchored at one identifier each, so an event anchored at another profile's identifier that
 * also mentions one of the erased values (a malformed value that another profile already held)
 * is not erased; the ingest pipeline never attaches such a value to two profiles, so this is a
 * corner the design accepts and documents.
 *
 * <pre>{@code
 * ErasureReport r = new Erasure(storage, ErasurePolicy.defaults()).erase(profileId);
 * }</pre>
 */
public final class Erasure {
  private static final int MAX_ATTEMPTS = 100;
  private final Storage storage;
  private final ErasurePolicy policy;

  /** Erases from {@code storage} under {@code policy}. */
  public Erasure(Storage storage, ErasurePolicy policy) {
    this.storage = requireNonNull(storage, "storage");
    this.policy = requireNonNull(policy, "policy");
  }

  /**
   * Erases the profile with this id, retrying if it changes meanwhile.
   *
   * @throws NoSuchElementException if there is no such profile
   */
  public ErasureReport erase(ProfileId id) {
    return erase(id, erased -> { });
  }

  /**
   * Erases the profile with this id, then passes the identifiers it erased to {@code onErased}
   * (for the caller to purge its own caches; they must not be logged or kept).
   *
   * @throws NoSuchElementException if there is no such profile
   */
  public ErasureReport erase(ProfileId id, java.util.function.Consumer<List<Identifier>> onErased) {
    requireNonNull(id, "id");
    requireNonNull(onErased, "onErased");
    for (int attempt = 1; ; attempt++) {
      Profile p = storage.profile(id).orElseThrow(() -> new NoSuchElementException("no profile with id " + id));
      Commit.Builder commit = Commit.builder().deleteProfile(id, p.version());
      Map<String, Integer> byType = new TreeMap<>();
      List<Identifier> identifiers = p.identifiers().stream().map(IdentifierState::identifier).toList();
      long events = storage.events(identifiers).size();
      for (Identifier identifier : identifiers) {
        if (storage.owner(identifier).equals(Optional.of(id))) {
          commit.unassign(identifier, id);
        }
        commit.eraseEvents(identifier).tombstone(policy.tombstoneOf(identifier));
        byType.merge(identifier.type().name(), 1, Integer::sum);
      }
      java.util.Set<String> records = new java.util.HashSet<>();
      for (ProfileId named : com.google.common.collect.Iterables.concat(List.of(id), p.mergedFrom())) {
        commit.eraseMergeRecords(named);
        storage.mergeRecords(named).forEach(r -> records.add(r.id()));
      }
      try {
        storage.commit(commit.build());
        onErased.accept(identifiers);
        return new ErasureReport(
            id, List.copyOf(p.mergedFrom()), byType, events, identifiers.size(), records.size(), List.of());
      } catch (CommitConflictException e) {
        if (attempt >= MAX_ATTEMPTS) {
          throw new IllegalStateException("profile " + id + " kept changing during erasure: " + e.getMessage(), e);
        }
      }
    }
  }

  /** Whether {@code identifier} (normalised) was erased and, under {@link ErasurePolicy.Replay#BLOCK}, may not come back. */
  public boolean blocks(Identifier identifier) {
    return policy.replay() == ErasurePolicy.Replay.BLOCK
        && storage.tombstoneCount() > 0
        && storage.isTombstoned(policy.tombstoneOf(identifier));
  }
}
