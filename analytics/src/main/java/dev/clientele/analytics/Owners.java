package dev.clientele.analytics;

import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ObjIntConsumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Resolves event anchors to the profiles that exist now, as dense ordinals. Not thread-safe; one
 * per computation.
 *
 * <p>Profiles are numbered in one paging pass. An anchor counts for the profile that owns it in
 * the index; if that owner is no longer a profile (merged away between the profile pass and the
 * index read, or a backend whose index lags its profile table), the anchor follows the merge to
 * the survivor, found through the survivors' {@link Profile#mergedFrom()}. An anchor that leads
 * to no existing profile counts for nobody and is tallied in {@link #unowned()}. So every event
 * counts for at most one current profile, and a merged-away id is never counted.
 *
 * <p>The paging pass also notes which profile holds each identifier, so that {@link
 * #forEachOwned} asks the index nothing while the storage's event stream is open: on a database
 * backend that stream holds a pooled connection, and an index read inside it would borrow a
 * second one (a pool of one would wait for good; a busy pool could be drained by a few such
 * computations at once). Anchors that no profile of the pass holds, or that two hold (a store
 * changed during the pass), are asked of the index after the stream is closed; and the owners
 * taken from the pass are checked against the index then, in batches ({@link #confirmed}). A
 * computation run through {@link #consistent} is repeated (up to {@value #ATTEMPTS} times in all)
 * when an owner moved meanwhile (a merge or split during the computation), so that, as when every
 * anchor was asked of the index, a person merged meanwhile is counted once, for the survivor.
 */
final class Owners {
  private final Storage storage;
  private final Map<ProfileId, Integer> ordinals = new HashMap<>();
  private final Map<ProfileId, ProfileId> survivorOf = new HashMap<>();
  private final List<ProfileId> ids = new ArrayList<>();
  private final List<Instant> createdAt = new ArrayList<>();
  private final BitSet anonymous = new BitSet();
  private final Map<Identifier, Integer> anchors = new HashMap<>();
  /** The identifiers the paging pass found on profiles, with the holder's ordinal; {@link #HELD_TWICE} when two held one. */
  private final Map<Identifier, Integer> held = new HashMap<>();
  private static final int HELD_TWICE = -2;
  /** The anchors whose owner was taken from the paging pass, to check against the index afterwards. */
  private final List<Identifier> fromPass = new ArrayList<>();
  /** How many times {@link #consistent} runs a computation at most. */
  static final int ATTEMPTS = 3;
  /** Anchors per index read when the owners taken from the pass are checked. */
  private static final int CHECK_BATCH = 4_096;
  private long unowned;

  private Owners(Storage storage) {
    this.storage = storage;
  }

  /**
   * Runs {@code computation} on the owners of {@code storage} as of a fresh paging pass, and again
   * (at most {@value #ATTEMPTS} times in all) while {@link #confirmed} finds that an owner moved
   * during it; returns the last result. A store that keeps merging or splitting the people of the
   * events gets the last attempt's figures, which count each moved anchor for its owner at the
   * profile pass.
   */
  static <T> T consistent(Storage storage, java.util.function.Function<Owners, T> computation) {
    for (int attempt = 1; ; attempt++) {
      Owners owners = of(storage);
      T result = computation.apply(owners);
      if (attempt == ATTEMPTS || owners.confirmed()) {
        return result;
      }
    }
  }

  /** Numbers every profile of {@code storage} in id order. */
  static Owners of(Storage storage) {
    Owners o = new Owners(storage);
    storage.forEachProfile(p -> {
      int ordinal = o.ids.size();
      o.ordinals.put(p.id(), ordinal);
      o.ids.add(p.id());
      o.createdAt.add(p.createdAt());
      if (p.isAnonymous()) {
        o.anonymous.set(ordinal);
      }
      for (IdentifierState s : p.identifiers()) {
        o.held.merge(s.identifier(), ordinal, (a, b) -> HELD_TWICE);
      }
      for (ProfileId loser : p.mergedFrom()) {
        o.survivorOf.put(loser, p.id());
      }
    });
    return o;
  }

  /** The ordinal of the profile that owns {@code anchor} now, or -1 if no existing profile does. */
  int ordinal(Identifier anchor) {
    Integer cached = anchors.get(anchor);
    if (cached == null) {
      cached = resolve(storage.owner(anchor));
      anchors.put(anchor, cached);
    }
    if (cached < 0) {
      unowned++;
    }
    return cached;
  }

  /**
   * Calls {@code action} with each event of {@code storage} that {@code wanted} accepts and whose
   * anchor an existing profile owns, with that profile's ordinal; events whose anchor no profile
   * owns are tallied in {@link #unowned()}. The events of anchors that the paging pass found on
   * exactly one profile are handled while the stream is read; the others are kept and handled
   * after the stream is closed, when their anchors are looked up in the index (so the index is
   * never read while the stream holds the backend, see the class comment). The order of the
   * calls is therefore not the stream's.
   */
  void forEachOwned(Predicate<StoredEvent> wanted, ObjIntConsumer<StoredEvent> action) {
    List<StoredEvent> later = new ArrayList<>();
    try (Stream<StoredEvent> events = storage.allEvents()) {
      events.forEach(e -> {
        if (!wanted.test(e)) {
          return;
        }
        Integer cached = anchors.get(e.anchor());
        if (cached == null) {
          Integer holder = held.get(e.anchor());
          if (holder == null || holder == HELD_TWICE) {
            later.add(e);
            return;
          }
          cached = holder;
          anchors.put(e.anchor(), cached);
          fromPass.add(e.anchor());
        }
        if (cached < 0) {
          unowned++;
        } else {
          action.accept(e, cached);
        }
      });
    }
    for (StoredEvent e : later) {
      int ordinal = ordinal(e.anchor());
      if (ordinal >= 0) {
        action.accept(e, ordinal);
      }
    }
  }

  /**
   * Whether every anchor whose owner {@link #forEachOwned} took from the paging pass is still
   * owned, in the index, by that profile (or by a profile merged into it since the pass, followed
   * as {@link #ordinal} follows it). Reads the index in batches, after the event stream is closed.
   */
  boolean confirmed() {
    for (int from = 0; from < fromPass.size(); from += CHECK_BATCH) {
      List<Identifier> batch = fromPass.subList(from, Math.min(fromPass.size(), from + CHECK_BATCH));
      Map<Identifier, ProfileId> now = storage.owners(batch);
      for (Identifier anchor : batch) {
        if (resolve(Optional.ofNullable(now.get(anchor))) != anchors.get(anchor)) {
          return false;
        }
      }
    }
    return true;
  }

  private int resolve(Optional<ProfileId> owner) {
    ProfileId id = owner.orElse(null);
    // Survivor chains are short (each hop is one merge); the bound only guards against a cycle
    // in a corrupt merge history.
    for (int hops = 0; id != null && hops <= ordinals.size() + 1; hops++) {
      Integer ordinal = ordinals.get(id);
      if (ordinal != null) {
        return ordinal;
      }
      id = survivorOf.get(id);
    }
    return -1;
  }

  /** How many profiles were numbered. */
  int size() {
    return ids.size();
  }

  /** The id of the profile with this ordinal. */
  ProfileId id(int ordinal) {
    return ids.get(ordinal);
  }

  /** When the profile with this ordinal was created. */
  Instant createdAt(int ordinal) {
    return createdAt.get(ordinal);
  }

  /** Whether the profile with this ordinal holds only anonymous identifiers. */
  boolean isAnonymous(int ordinal) {
    return anonymous.get(ordinal);
  }

  /** Lookups so far that found no existing owner (events counted for nobody). */
  long unowned() {
    return unowned;
  }
}
