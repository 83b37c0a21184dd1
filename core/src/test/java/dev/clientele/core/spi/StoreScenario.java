package dev.clientele.core.spi;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One {@link InMemoryStorage} over a tiny key space, and the calls the Lincheck tests make of it
 * ({@link InMemoryStorageLincheckTest}), each one call of the store answered as a plain value.
 *
 * <p>Three identifiers, two profile ids, two event ids, so that commits conflict often. They are
 * picked when the class loads (the stripe and slot of a key depend on a seed chosen per JVM):
 * identifiers {@code i0} and {@code i1} share a stripe and the home slot of its identifier table
 * (one commit moves both; removing one shifts the other back while a reader probes), {@code i2}
 * lies in another stripe; the two profiles lie in different stripes (a merge locks both, a read
 * of owners and profiles stamps both); the two event ids share a stripe and the home slot of its
 * event-id table. The store folds its logs of created and deleted profiles once a stripe's log
 * holds two changes ({@code new InMemoryStorage(1)}), so folds run in small scenarios,
 * concurrently with pages and commits.
 *
 * <p>A commit answers {@code "ok"} or {@code "conflict"} (an expectation did not hold).
 * Expectations come from the call's parameters, never from an earlier read, so that one
 * operation is one call of the store, as linearizability is stated for.
 */
final class StoreScenario {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  /** Slots of a stripe's identifier table and of its event-id table when the store is made. */
  private static final int INITIAL_SLOTS = 64;
  /** {@code i0}, {@code i1} (same stripe and home slot) and {@code i2} (another stripe). */
  static final ImmutableList<Identifier> IDENTIFIERS;
  /** {@code p0} and {@code p1}, in different stripes. */
  static final ImmutableList<ProfileId> PROFILES;
  /** {@code e0} and {@code e1}, in the same stripe and home slot of its event-id table. */
  static final ImmutableList<String> EVENTS;

  static {
    Identifier i0 = Identifier.of(IdentifierType.CUSTOMER_ID, "c-0");
    int h0 = KeyedTable.spread(i0);
    Identifier i1 = null;
    Identifier i2 = null;
    for (int k = 1; i1 == null || i2 == null; k++) {
      Identifier candidate = Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + k);
      boolean sameStripe = InMemoryStorage.stripeOf(candidate) == InMemoryStorage.stripeOf(i0);
      if (i1 == null && sameStripe && ((KeyedTable.spread(candidate) ^ h0) & (INITIAL_SLOTS - 1)) == 0) {
        i1 = candidate;
      } else if (i2 == null && !sameStripe) {
        i2 = candidate;
      }
    }
    IDENTIFIERS = ImmutableList.of(i0, i1, i2);
    ProfileId p0 = ProfileId.of("p-0");
    ProfileId p1 = null;
    for (int k = 1; p1 == null; k++) {
      ProfileId candidate = ProfileId.of("p-" + k);
      if (InMemoryStorage.stripeOf(candidate) != InMemoryStorage.stripeOf(p0)) {
        p1 = candidate;
      }
    }
    PROFILES = ImmutableList.of(p0, p1);
    String e0 = "e-0";
    long eh0 = EventIdTable.hash(e0);
    String e1 = null;
    for (int k = 1; e1 == null; k++) {
      String candidate = "e-" + k;
      long h = EventIdTable.hash(candidate);
      if (InMemoryStorage.stripeOfEvent(h) == InMemoryStorage.stripeOfEvent(eh0) && ((h ^ eh0) & (INITIAL_SLOTS - 1)) == 0) {
        e1 = candidate;
      }
    }
    EVENTS = ImmutableList.of(e0, e1);
  }

  private final InMemoryStorage storage = new InMemoryStorage(1);

  /**
   * A store where {@code p0} (version 1) owns {@code i0}, {@code p1} (version 1) owns {@code i1},
   * {@code i2} has no owner, and event {@code e0} is stored at {@code i0}: random operations then
   * meet existing state (a merge of the two profiles applies, an append of {@code e0} conflicts)
   * without needing set-up operations of their own, which random scenarios seldom draw.
   */
  StoreScenario() {
    if (!"ok".equals(create(0, 0, 0)) || !"ok".equals(create(1, 1, -1))) {
      throw new IllegalStateException("the initial commits conflict");
    }
  }

  // Commits

  /** Writes profile {@code pid} at {@code version + 1} over {@code version} (0: creates it). */
  String put(int pid, int version) {
    return commit(c -> c.putProfile(profile(pid, version + 1), version));
  }

  /** Deletes profile {@code pid}, expected at {@code version}; its index entries stay. */
  String delete(int pid, int version) {
    return commit(c -> c.deleteProfile(PROFILES.get(pid), version));
  }

  /** Moves identifier {@code ident} from {@code owner} (-1: none) to profile {@code pid}, which may not exist. */
  String assign(int ident, int owner, int pid) {
    return commit(c -> c.assign(IDENTIFIERS.get(ident), owned(owner), PROFILES.get(pid)));
  }

  /** Removes identifier {@code ident}'s index entry, expected to be owned by {@code pid}. */
  String unassign(int ident, int pid) {
    return commit(c -> c.unassign(IDENTIFIERS.get(ident), PROFILES.get(pid)));
  }

  /** Appends event {@code event} anchored at identifier {@code ident} (a conflict if its id is stored). */
  String append(int event, int ident) {
    return commit(c -> c.append(stored(event, ident)));
  }

  /**
   * The commit of an event of a new person: profile {@code pid} created (version 1) with
   * identifier {@code ident}, which had no owner, and, if {@code event} is not negative, that
   * event appended at the identifier.
   */
  String create(int pid, int ident, int event) {
    return commit(c -> {
      c.putProfile(profile(pid, 1), 0).assign(IDENTIFIERS.get(ident), Optional.empty(), PROFILES.get(pid));
      if (event >= 0) {
        c.append(stored(event, ident));
      }
    });
  }

  /**
   * The commit of an event that adds an identifier to a known person: profile {@code pid} written
   * over {@code version}, identifier {@code ident} (which had no owner) assigned to it.
   */
  String link(int pid, int version, int ident) {
    return commit(c -> c.putProfile(profile(pid, version + 1), version).assign(IDENTIFIERS.get(ident), Optional.empty(), PROFILES.get(pid)));
  }

  /**
   * The commit of a merge into profile {@code pid}: it is written at version 2 over 1, the other
   * profile (the loser) deleted at version 1, and the identifier the loser was created with
   * ({@code i0} for {@code p0}, {@code i1} for {@code p1}) moved from the loser to it: the stripes
   * of both profiles and of the identifier. It applies unless one of them changed since the start,
   * so that random scenarios meet merges that happen.
   */
  String merge(int pid) {
    int loser = 1 - pid;
    return commit(c -> c
        .putProfile(profile(pid, 2), 1)
        .deleteProfile(PROFILES.get(loser), 1)
        .assign(IDENTIFIERS.get(loser), Optional.of(PROFILES.get(loser)), PROFILES.get(pid)));
  }

  /** Erases the events anchored at identifier {@code ident} (a commit that locks every stripe). */
  String erase(int ident) {
    return commit(c -> c.eraseEvents(IDENTIFIERS.get(ident)));
  }

  // Reads

  /** {@link Storage#profile}: {@code "p-0@2"}, or {@code "none"}. */
  String profile(int pid) {
    return storage.profile(PROFILES.get(pid)).map(StoreScenario::describe).orElse("none");
  }

  /** {@link Storage#owner}: the owner's id, or {@code "none"}. */
  String owner(int ident) {
    return storage.owner(IDENTIFIERS.get(ident)).map(ProfileId::value).orElse("none");
  }

  /** {@link Storage#ownedProfiles} of all identifiers, given as ingestion gives them (an {@link ImmutableList}). */
  String ownedProfiles() {
    OwnedProfiles read = storage.ownedProfiles(IDENTIFIERS);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < IDENTIFIERS.size(); i++) {
      ProfileId owner = read.owners().get(IDENTIFIERS.get(i));
      out.append('i').append(i).append('>').append(owner == null ? "-" : owner.value()).append(' ');
    }
    Map<String, String> profiles = new TreeMap<>();
    read.profiles().forEach((id, p) -> profiles.put(id.value(), describe(p)));
    return out.append(profiles.values()).toString();
  }

  /** {@link Storage#owners} of identifier {@code ident} and the next one, in a plain list (which the store copies first). */
  String owners(int ident) {
    Identifier other = IDENTIFIERS.get((ident + 1) % IDENTIFIERS.size());
    Map<Identifier, ProfileId> owners = storage.owners(List.of(IDENTIFIERS.get(ident), other));
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < IDENTIFIERS.size(); i++) {
      ProfileId owner = owners.get(IDENTIFIERS.get(i));
      if (owner != null) {
        out.append('i').append(i).append('>').append(owner.value()).append(' ');
      }
    }
    return out.toString();
  }

  /** {@link Storage#containsEvent}. */
  boolean containsEvent(int event) {
    return storage.containsEvent(EVENTS.get(event));
  }

  /** {@link Storage#events} of identifier {@code ident}: the event ids, in timeline order. */
  String events(int ident) {
    List<String> ids = new ArrayList<>();
    storage.events(List.of(IDENTIFIERS.get(ident))).forEach(e -> ids.add(e.event().id()));
    return ids.toString();
  }

  /** A page of {@link Storage#profiles}: after profile {@code after} (-1: from the start), at most {@code limit}. */
  String page(int after, int limit) {
    Optional<ProfileId> from = after < 0 ? Optional.empty() : Optional.of(PROFILES.get(after));
    List<String> out = new ArrayList<>();
    storage.profiles(from, limit).forEach(p -> out.add(describe(p)));
    return out.toString();
  }

  /** {@link Storage#profileCount}. */
  long profileCount() {
    return storage.profileCount();
  }

  /** {@link Storage#eventCount}. */
  long eventCount() {
    return storage.eventCount();
  }

  /** {@link Storage#readAhead} of every key: it must change nothing a read returns. */
  void readAhead() {
    storage.readAhead(IDENTIFIERS, EVENTS);
  }

  private String commit(Consumer<Commit.Builder> parts) {
    Commit.Builder b = Commit.builder();
    parts.accept(b);
    try {
      storage.commit(b.build());
      return "ok";
    } catch (CommitConflictException e) {
      return "conflict";
    }
  }

  private static Optional<ProfileId> owned(int owner) {
    return owner < 0 ? Optional.empty() : Optional.of(PROFILES.get(owner));
  }

  private static Profile profile(int pid, long version) {
    return Profile.builder(PROFILES.get(pid), T0).version(version).build();
  }

  private static StoredEvent stored(int event, int ident) {
    Identifier anchor = IDENTIFIERS.get(ident);
    return new StoredEvent(Event.builder(EVENTS.get(event), "pageview", T0.plusSeconds(event)).identifier(anchor).build(), anchor);
  }

  private static String describe(Profile p) {
    return p.id().value() + "@" + p.version();
  }
}
