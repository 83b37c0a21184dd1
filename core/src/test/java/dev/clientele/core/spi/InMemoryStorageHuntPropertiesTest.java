package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Hunt: random sessions of commits against {@link InMemoryStorage} and a model made of plain maps,
 * aimed at the store's fast paths and their edges. The key universe mixes keys whose {@code
 * hashCode()} collide (one stripe, one hash: the tables' overflow maps), keys picked to share one
 * stripe (so that a stripe's tables cross their resize points) and ordinary keys; event ids are
 * few and reused after erasures (positions of the event logs freed and taken again). Commits are
 * made as ingestion makes them (an {@link InMemoryStorage#ownedProfiles} read, or a {@link
 * InMemoryStorage#readAhead} and then the read, then a commit that uses the read's hints), and as
 * merges, erasures (events, index entries, profile, merge records, tombstones, and an event put
 * back under another anchor with an erased id), deletes that keep their index entries, bulk
 * creations and stale commits that must conflict. The store folds its logs of created and deleted
 * profiles after a few changes, and a paging scan advances between commits, so that folds land
 * between pages. Sessions are long enough to pass the per-thread replacement points (read-ahead
 * arrays every 16 calls, commit scratch every 64 commits), and jqwik runs them all on one thread,
 * each with a new store, so the thread's scratch moves from store to store too.
 *
 * <p>With a ceiling on events or profiles, a commit that would go past it must be refused with a
 * {@link StorageException} and change nothing; with faults, a commit made to fail at a random step
 * of its allocation or application must leave every read as before (and no lock held), and the
 * same commit made again must then give the model's state.
 *
 * <p>Which keys share a stripe depends on a seed the store picks per JVM, so a failing seed
 * replays the same session, not always the same stripes.
 */
class InMemoryStorageHuntPropertiesTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** Profile ids: colliding, one-stripe, ordinary. */
  static final List<ProfileId> PROFILES = new ArrayList<>();
  /** Identifiers: colliding, one-stripe, ordinary. */
  static final List<Identifier> IDS = new ArrayList<>();
  /** Event ids: one-stripe (of the event id's hash), ordinary. */
  static final List<String> EVENT_IDS = new ArrayList<>();

  static {
    for (int i = 0; i < 11; i++) {
      PROFILES.add(ProfileId.of("p" + colliding(i)));
    }
    int stripe = InMemoryStorage.stripeOf(ProfileId.of("q-0"));
    for (int k = 0, found = 0; found < 18; k++) {
      ProfileId p = ProfileId.of("q-" + k);
      if (InMemoryStorage.stripeOf(p) == stripe) {
        PROFILES.add(p);
        found++;
      }
    }
    for (int i = 0; i < 8; i++) {
      PROFILES.add(ProfileId.of("r-" + i));
    }
    for (int i = 0; i < 12; i++) {
      IDS.add(Identifier.of(IdentifierType.CUSTOMER_ID, colliding(i)));
    }
    int idStripe = InMemoryStorage.stripeOf(Identifier.of(IdentifierType.ANONYMOUS_ID, "a-0"));
    for (int k = 0, found = 0; found < 56; k++) {
      Identifier a = Identifier.of(IdentifierType.ANONYMOUS_ID, "a-" + k);
      if (InMemoryStorage.stripeOf(a) == idStripe) {
        IDS.add(a);
        found++;
      }
    }
    for (int i = 0; i < 10; i++) {
      IDS.add(Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + i));
    }
    int eventStripe = InMemoryStorage.stripeOfEvent(EventIdTable.hash("e-0"));
    for (int k = 0, found = 0; found < 70; k++) {
      String id = "e-" + k;
      if (InMemoryStorage.stripeOfEvent(EventIdTable.hash(id)) == eventStripe) {
        EVENT_IDS.add(id);
        found++;
      }
    }
    for (int i = 0; i < 250; i++) {
      EVENT_IDS.add("x-" + i);
    }
  }

  /** The {@code n}-th value of 12 blocks of "Aa" or "BB": all 4096 have one {@code hashCode()}. */
  static String colliding(int n) {
    StringBuilder b = new StringBuilder();
    for (int bit = 0; bit < 12; bit++) {
      b.append((n >>> bit & 1) == 0 ? "Aa" : "BB");
    }
    return b.toString();
  }

  @Property(tries = 25)
  void sessions_matchTheModel(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int foldFloor) {
    // 6: the default floor, so that pages merge many recent changes without a fold
    new Session(seed, new InMemoryStorage(foldFloor == 6 ? 1024 : foldFloor), Long.MAX_VALUE, Long.MAX_VALUE, false).run(260);
  }

  @Property(tries = 15)
  void sessions_withCeilings_refuseWhatGoesPast_andChangeNothing(
      @ForAll long seed, @ForAll @IntRange(min = 5, max = 40) int maxProfiles, @ForAll @IntRange(min = 10, max = 80) int maxEvents) {
    new Session(seed, new InMemoryStorage(2, maxEvents, maxProfiles), maxEvents, maxProfiles, false).run(220);
  }

  @Property(tries = 15)
  void sessions_withFaults_failedCommitsChangeNothing_andMadeAgainMatchTheModel(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int foldFloor, @ForAll boolean ceilings) {
    long maxEvents = ceilings ? 60 : Long.MAX_VALUE;
    long maxProfiles = ceilings ? 20 : Long.MAX_VALUE;
    new Session(seed, new InMemoryStorage(foldFloor, maxEvents, maxProfiles), maxEvents, maxProfiles, true).run(200);
  }

  /** Thrown by the fault hook. */
  static final class InjectedError extends Error {
    private static final long serialVersionUID = 1L;

    InjectedError(String step) {
      super("injected at " + step, null, false, false);
    }
  }

  /** The model: plain maps, changed only by {@link Session#commit} once the store accepted the commit. */
  static final class Model {
    final NavigableMap<ProfileId, Profile> profiles = new TreeMap<>();
    final Map<Identifier, ProfileId> index = new LinkedHashMap<>();
    final Map<String, StoredEvent> events = new LinkedHashMap<>();
    final Set<String> tombstones = new HashSet<>();
    final List<MergeRecord> log = new ArrayList<>();

    Model copy() {
      Model m = new Model();
      m.profiles.putAll(profiles);
      m.index.putAll(index);
      m.events.putAll(events);
      m.tombstones.addAll(tombstones);
      m.log.addAll(log);
      return m;
    }

    /** Applies {@code c} as the SPI says (validated by the caller). */
    void apply(Commit c) {
      for (ProfileId p : c.mergeRecordErasures()) { // erasures, then redactions in place, then new records
        log.removeIf(r -> r.names(p));
      }
      for (MergeRecord redacted : c.mergeRecordRedactions()) {
        for (int k = 0; k < log.size(); k++) {
          if (log.get(k).id().equals(redacted.id())) {
            log.set(k, redacted);
          }
        }
      }
      for (MergeRecord r : c.mergeRecords()) {
        log.add(r);
      }
      for (Commit.ProfileWrite w : c.profileWrites()) {
        profiles.put(w.profile().id(), w.profile());
      }
      for (Commit.IndexWrite w : c.indexWrites()) {
        if (w.newOwner().isPresent()) {
          index.put(w.identifier(), w.newOwner().get());
        } else {
          index.remove(w.identifier());
        }
      }
      for (Commit.ProfileDelete d : c.profileDeletes()) {
        profiles.remove(d.id());
      }
      for (Identifier anchor : c.eventErasures()) {
        events.values().removeIf(e -> e.anchor().equals(anchor));
      }
      for (StoredEvent e : c.appends()) {
        events.put(e.event().id(), e);
      }
      tombstones.addAll(c.tombstones());
    }

    /** What the store must say of {@code c}: null (applies), or the exception class it must throw. */
    Class<? extends RuntimeException> verdict(Commit c, long maxEvents, long maxProfiles) {
      for (Commit.ProfileWrite w : c.profileWrites()) {
        Profile p = profiles.get(w.profile().id());
        if ((p == null ? 0 : p.version()) != w.expectedVersion()) {
          return CommitConflictException.class;
        }
      }
      for (Commit.ProfileDelete d : c.profileDeletes()) {
        Profile p = profiles.get(d.id());
        if ((p == null ? 0 : p.version()) != d.expectedVersion()) {
          return CommitConflictException.class;
        }
      }
      for (Commit.IndexWrite w : c.indexWrites()) {
        if (!Optional.ofNullable(index.get(w.identifier())).equals(w.expectedOwner())) {
          return CommitConflictException.class;
        }
      }
      Set<String> erased = new HashSet<>();
      long erasedCount = 0;
      for (StoredEvent e : events.values()) {
        if (c.eventErasures().contains(e.anchor())) {
          erased.add(e.event().id());
          erasedCount++;
        }
      }
      for (StoredEvent e : c.appends()) {
        if (events.containsKey(e.event().id()) && !erased.contains(e.event().id())) {
          return CommitConflictException.class;
        }
      }
      Set<String> logged = log.stream().map(MergeRecord::id).collect(Collectors.toSet());
      for (MergeRecord r : c.mergeRecords()) {
        if (logged.contains(r.id())) {
          return CommitConflictException.class;
        }
      }
      for (MergeRecord r : c.mergeRecordRedactions()) {
        MergeRecord stored = log.stream().filter(x -> x.id().equals(r.id())).findFirst().orElse(null);
        if (stored == null || c.mergeRecordErasures().stream().anyMatch(stored::names) || !r.redacts(stored)) {
          return CommitConflictException.class;
        }
      }
      long netEvents = c.appends().size() - erasedCount;
      long created = c.profileWrites().stream().filter(w -> w.expectedVersion() == 0).count();
      long netProfiles = created - c.profileDeletes().size();
      if ((netEvents > 0 && events.size() + netEvents > maxEvents) || (netProfiles > 0 && profiles.size() + netProfiles > maxProfiles)) {
        return StorageException.class;
      }
      return null;
    }
  }

  /** One random session against one store. */
  static final class Session {
    final Random random;
    final InMemoryStorage store;
    final long maxEvents;
    final long maxProfiles;
    final boolean faults;
    Model model = new Model();
    int nextRecord;
    int nextEventCopy;
    /** The paging scan in progress: the last id of its last page (empty: at the start). */
    Optional<ProfileId> scanAfter = Optional.empty();
    int commitsMade;
    int refused;
    int injected;

    Session(long seed, InMemoryStorage store, long maxEvents, long maxProfiles, boolean faults) {
      this.random = new Random(seed);
      this.store = store;
      this.maxEvents = maxEvents;
      this.maxProfiles = maxProfiles;
      this.faults = faults;
    }

    <T> T pick(List<T> list) {
      return list.get(random.nextInt(list.size()));
    }

    Identifier someIdentifier() {
      return pick(IDS);
    }

    ProfileId someProfileId() {
      return pick(PROFILES);
    }

    /** An event id not stored (by the model), or null if none is left. */
    String freshEventId() {
      for (int attempt = 0; attempt < 40; attempt++) {
        String id = pick(EVENT_IDS);
        if (!model.events.containsKey(id)) {
          return id;
        }
      }
      return null;
    }

    /** A profile of version {@code version} holding the states of {@code identifiers}. */
    Profile profile(ProfileId id, long version, Collection<Identifier> identifiers) {
      Profile.Builder b = Profile.builder(id, T0).version(version).eventCount(random.nextInt(50));
      for (Identifier i : identifiers) {
        b.putIdentifier(IdentifierState.firstSeen(i, T0.plusSeconds(random.nextInt(100)), random.nextBoolean(), "hunt"));
      }
      return b.build();
    }

    Event event(String id, List<Identifier> identifiers) {
      Event.Builder b = Event.builder(id, random.nextBoolean() ? "pageview" : "login", T0.plusSeconds(random.nextInt(20)));
      identifiers.forEach(b::identifier);
      return b.build();
    }

    List<Identifier> identifiersOf(ProfileId owner) {
      return model.index.entrySet().stream().filter(e -> e.getValue().equals(owner)).map(Map.Entry::getKey).toList();
    }

    void run(int steps) {
      for (int step = 0; step < steps; step++) {
        int kind = random.nextInt(100);
        if (kind < 22) {
          ingestLike();
        } else if (kind < 30) {
          bulk();
        } else if (kind < 36) {
          erase();
        } else if (kind < 42) {
          deleteProfile();
        } else if (kind < 50) {
          moveOrUnassign();
        } else if (kind < 60) {
          appendEvents();
        } else if (kind < 64) {
          eraseEvents();
        } else if (kind < 70) {
          update();
        } else if (kind < 73) {
          stale();
        } else if (kind < 76) {
          redact();
        } else if (kind < 88) {
          page();
        } else {
          readAheadThenRead();
        }
        quickCheck();
        if (step % 25 == 24) {
          fullCheck();
        }
      }
      fullCheck();
      assertThat(store.locksHeld()).isFalse();
      assertThat(InMemoryStorage.lookupsHeld()).isFalse();
      assertThat(InMemoryStorage.lookupsCapacity()).as("arrays a large commit grew are let go").isLessThanOrEqualTo(64);
      assertThat(InMemoryStorage.lookaheadReferences()).as("read-ahead keeps no reference between calls").isZero();
      assertThat(commitsMade + refused).as("commits made").isGreaterThan(steps / 4);
      assertThat(commitsMade).as("commits applied").isGreaterThan(steps / 20);
    }

    /**
     * Makes {@code c}, expecting the verdict of the model; with faults, first (half the time) made
     * to fail at a random step, after which every read must be as before.
     */
    void commit(Commit c) {
      for (MergeRecord r : c.mergeRecords()) {
        firstCopies.putIfAbsent(r.id(), r);
      }
      Class<? extends RuntimeException> verdict = model.verdict(c, maxEvents, maxProfiles);
      if (faults && verdict == null && random.nextBoolean()) {
        int failAt = random.nextInt(40);
        int[] steps = {0};
        store.faultHook = name -> {
          if (steps[0]++ == failAt) {
            throw new InjectedError(name);
          }
        };
        boolean failed = false;
        try {
          store.commit(c);
        } catch (InjectedError expected) {
          failed = true;
        } finally {
          store.faultHook = null;
        }
        if (failed) {
          injected++;
          assertThat(store.locksHeld()).as("locks after a failed commit").isFalse();
          fullCheck();
        } else {
          model.apply(c);
          commitsMade++;
          return;
        }
      }
      if (verdict == null) {
        store.commit(c);
        model.apply(c);
        commitsMade++;
        return;
      }
      try {
        store.commit(c);
        fail("commit should have been refused with %s", verdict.getSimpleName());
      } catch (RuntimeException e) {
        assertThat(e).isInstanceOf(verdict);
        refused++;
      }
      if (random.nextInt(3) == 0) {
        fullCheck();
      }
    }

    /** As ingestion: read the owners and profiles of an event's identifiers, then commit from that read. */
    void ingestLike() {
      int n = 1 + random.nextInt(3);
      LinkedHashSet<Identifier> chosen = new LinkedHashSet<>();
      while (chosen.size() < n) {
        chosen.add(someIdentifier());
      }
      List<Identifier> ids = new ArrayList<>(chosen);
      String eventId = freshEventId();
      if (random.nextInt(3) == 0) {
        store.readAhead(ids, eventId == null ? List.of() : List.of(eventId));
      }
      Collection<Identifier> asked = random.nextBoolean() ? ImmutableList.copyOf(ids) : new ArrayList<>(ids);
      OwnedProfiles read = store.ownedProfiles(asked);
      checkOwned(ids, read);
      if (eventId != null) {
        assertThat(store.containsEvent(eventId)).isFalse();
      }
      List<Profile> owned = new ArrayList<>(read.profiles().values());
      Commit.Builder b = Commit.builder();
      ProfileId target;
      Set<Identifier> held = new LinkedHashSet<>(ids);
      if (owned.isEmpty()) {
        target = newProfileId();
        if (target == null) {
          return;
        }
        b.putProfile(profile(target, 1, held), 0);
      } else {
        Profile survivor = owned.get(0);
        target = survivor.id();
        held.addAll(identifiersOf(target));
        List<MergeRecord.Side> sides = new ArrayList<>();
        for (Profile loser : owned.subList(1, owned.size())) { // a merge
          List<Identifier> moved = identifiersOf(loser.id());
          for (Identifier i : moved) {
            if (!chosen.contains(i)) {
              b.assign(i, Optional.of(loser.id()), target);
            }
          }
          held.addAll(moved);
          b.deleteProfile(loser.id(), loser.version());
          sides.add(new MergeRecord.Side(loser.id(), Set.copyOf(moved), List.of()));
        }
        if (!sides.isEmpty()) {
          b.logMerge(new MergeRecord("m-" + nextRecord++, MergeRecord.Kind.MERGE, T0, target, sides,
              Optional.ofNullable(eventId), List.copyOf(chosen), Optional.empty(), "hunt"));
        }
        b.putProfile(profile(target, survivor.version() + 1, held), survivor.version());
      }
      for (Identifier i : ids) {
        ProfileId owner = read.owners().get(i);
        if (!target.equals(owner)) {
          b.assign(i, Optional.ofNullable(owner), target);
        }
      }
      if (eventId != null) {
        b.append(new StoredEvent(event(eventId, ids), pick(ids)));
      }
      commit(b.build());
    }

    /** A profile id without a profile (maybe one that had one), or null. */
    ProfileId newProfileId() {
      for (int attempt = 0; attempt < 20; attempt++) {
        ProfileId p = someProfileId();
        if (!model.profiles.containsKey(p)) {
          return p;
        }
      }
      return null;
    }

    /** Several profiles created at once, each with identifiers and an event: tables cross resize points. */
    void bulk() {
      Commit.Builder b = Commit.builder();
      Set<ProfileId> made = new HashSet<>();
      Set<Identifier> used = new HashSet<>();
      Set<String> eventIds = new HashSet<>();
      int n = 3 + random.nextInt(10);
      for (int k = 0; k < n; k++) {
        ProfileId p = newProfileId();
        if (p == null || !made.add(p)) {
          continue;
        }
        List<Identifier> mine = new ArrayList<>();
        for (int j = 0; j < 1 + random.nextInt(5); j++) {
          Identifier i = someIdentifier();
          if (!model.index.containsKey(i) && used.add(i)) {
            mine.add(i);
            b.assign(i, Optional.empty(), p);
          }
        }
        b.putProfile(profile(p, 1, mine), 0);
        String e = freshEventId();
        if (!mine.isEmpty() && e != null && eventIds.add(e)) {
          b.append(new StoredEvent(event(e, mine), pick(mine)));
        }
      }
      if (!made.isEmpty()) {
        commit(b.build());
      }
    }

    /**
     * An erasure as consent's erasure makes it: the profile, its index entries, the events at its
     * identifiers, its merge records, tombstones; sometimes an erased event's id appended again
     * under another identifier (someone else's copy of it).
     */
    void erase() {
      if (model.profiles.isEmpty()) {
        return;
      }
      Profile p = pick(new ArrayList<>(model.profiles.values()));
      List<Identifier> ids = identifiersOf(p.id());
      Commit.Builder b = Commit.builder().deleteProfile(p.id(), p.version()).eraseMergeRecords(p.id());
      for (Identifier i : ids) {
        b.unassign(i, p.id());
        b.eraseEvents(i);
        b.tombstone("t-" + Integer.toHexString(i.hashCode()) + "-" + i.value().length());
      }
      if (random.nextBoolean()) {
        b.eraseEvents(someIdentifier()); // an anchor that may have no slot, or belong to someone else
      }
      if (random.nextInt(3) == 0) { // a record logged by the same commit names the erased profile: it stays
        ProfileId other = someProfileId();
        if (!other.equals(p.id())) {
          b.logMerge(new MergeRecord("s-" + nextRecord++, MergeRecord.Kind.SPLIT, T0, other,
              List.of(new MergeRecord.Side(p.id(), Set.of(someIdentifier()), List.of())), Optional.empty(),
              List.of(someIdentifier()), Optional.empty(), "hunt"));
        }
      }
      redactSome(b, ids);
      List<StoredEvent> erased = model.events.values().stream().filter(e -> ids.contains(e.anchor())).toList();
      if (!erased.isEmpty() && random.nextBoolean()) {
        Identifier other = someIdentifier();
        if (!ids.contains(other)) {
          StoredEvent old = pick(erased);
          b.append(new StoredEvent(event(old.event().id(), List.of(other)), other));
        }
      }
      commit(b.build());
    }

    /**
     * Adds redactions of some logged records that hold any of {@code erased} (as erasure makes them),
     * now and then one made from an older copy of a record (it must conflict if the record changed).
     */
    void redactSome(Commit.Builder b, List<Identifier> erased) {
      Set<String> done = new HashSet<>();
      for (MergeRecord r : model.log) {
        if (random.nextInt(3) == 0 && erased.stream().anyMatch(r::holds) && done.add(r.id())) {
          MergeRecord base = random.nextInt(5) == 0 && firstCopies.containsKey(r.id()) ? firstCopies.get(r.id()) : r;
          b.redactMergeRecord(base.without(erased));
        }
      }
    }

    /** The first copy of every record logged, for stale redactions. */
    final Map<String, MergeRecord> firstCopies = new LinkedHashMap<>();

    /** A redaction of one logged record, of some identifiers it holds, alone in its commit. */
    void redact() {
      if (model.log.isEmpty()) {
        return;
      }
      MergeRecord r = pick(model.log);
      List<Identifier> held = new ArrayList<>(r.links());
      r.sides().forEach(side -> held.addAll(side.identifiers()));
      if (held.isEmpty()) {
        return;
      }
      List<Identifier> drop = List.of(pick(held));
      MergeRecord base = random.nextInt(4) == 0 && firstCopies.containsKey(r.id()) ? firstCopies.get(r.id()) : r;
      commit(Commit.builder().redactMergeRecord(base.without(drop)).build());
    }

    void deleteProfile() {
      if (model.profiles.isEmpty()) {
        return;
      }
      Profile p = pick(new ArrayList<>(model.profiles.values()));
      Commit.Builder b = Commit.builder().deleteProfile(p.id(), p.version());
      if (random.nextBoolean()) { // else its index entries stay, pointing at no profile
        for (Identifier i : identifiersOf(p.id())) {
          b.unassign(i, p.id());
        }
      }
      commit(b.build());
    }

    void moveOrUnassign() {
      Identifier i = someIdentifier();
      ProfileId owner = model.index.get(i);
      Commit.Builder b = Commit.builder();
      if (owner != null && random.nextBoolean()) {
        b.unassign(i, owner);
      } else {
        b.assign(i, Optional.ofNullable(owner), someProfileId()); // maybe an id without a profile
      }
      String e = freshEventId();
      if (e != null && random.nextBoolean()) { // an event anchored there in the same commit
        b.append(new StoredEvent(event(e, List.of(i)), i));
      }
      commit(b.build());
    }

    void appendEvents() {
      Commit.Builder b = Commit.builder();
      Set<String> ids = new HashSet<>();
      // Now and then a commit past the size of the thread's kept lookups (64) and journal (512 entries).
      int n = random.nextInt(12) == 0 ? 100 + random.nextInt(100) : 1 + random.nextInt(random.nextInt(8) == 0 ? 30 : 4);
      boolean any = false;
      for (int k = 0; k < n; k++) {
        String e = freshEventId();
        if (e == null || !ids.add(e)) {
          continue;
        }
        List<Identifier> on = new ArrayList<>(List.of(someIdentifier()));
        if (random.nextBoolean()) {
          Identifier more = someIdentifier();
          if (!on.contains(more)) {
            on.add(more);
          }
        }
        b.append(new StoredEvent(event(e, on), pick(on)));
        any = true;
      }
      if (any && random.nextInt(4) == 0) {
        b.eraseEvents(someIdentifier());
      }
      if (any) {
        commit(b.build());
      }
    }

    void eraseEvents() {
      Commit.Builder b = Commit.builder();
      for (int k = 0; k < 1 + random.nextInt(3); k++) {
        b.eraseEvents(someIdentifier());
      }
      commit(b.build());
    }

    void update() {
      if (model.profiles.isEmpty()) {
        return;
      }
      Profile p = pick(new ArrayList<>(model.profiles.values()));
      commit(Commit.builder().putProfile(profile(p.id(), p.version() + 1, identifiersOf(p.id())), p.version()).build());
    }

    /** A commit with one expectation that no longer holds: it must conflict and change nothing. */
    void stale() {
      Commit.Builder b = Commit.builder();
      switch (random.nextInt(4)) {
        case 0 -> {
          ProfileId p = someProfileId();
          Profile current = model.profiles.get(p);
          long wrong = current == null ? 1 + random.nextInt(3) : (random.nextBoolean() ? 0 : current.version() + 1);
          b.putProfile(profile(p, wrong + 1, List.of()), wrong);
        }
        case 1 -> {
          Identifier i = someIdentifier();
          ProfileId owner = model.index.get(i);
          Optional<ProfileId> wrong = owner == null ? Optional.of(someProfileId()) : Optional.empty();
          b.assign(i, wrong, someProfileId());
        }
        case 2 -> {
          if (model.events.isEmpty()) {
            return;
          }
          StoredEvent e = pick(new ArrayList<>(model.events.values()));
          Identifier i = someIdentifier();
          b.append(new StoredEvent(event(e.event().id(), List.of(i)), i));
        }
        default -> {
          if (model.log.isEmpty()) {
            return;
          }
          MergeRecord r = pick(model.log);
          b.logMerge(r);
        }
      }
      // and, in the same commit, parts that would apply
      String e = freshEventId();
      if (e != null && random.nextBoolean()) {
        Identifier i = someIdentifier();
        b.append(new StoredEvent(event(e, List.of(i)), i));
      }
      Commit c;
      try {
        c = b.build();
      } catch (IllegalArgumentException twice) {
        return;
      }
      assertThat(model.verdict(c, maxEvents, maxProfiles)).isNotNull();
      commit(c);
    }

    /** One page of the scan in progress: exactly the model's next profiles after the last one. */
    void page() {
      int limit = 1 + random.nextInt(random.nextInt(5) == 0 ? 40 : 6);
      List<Profile> page = store.profiles(scanAfter, limit);
      NavigableMap<ProfileId, Profile> rest = scanAfter.isPresent() ? model.profiles.tailMap(scanAfter.get(), false) : model.profiles;
      List<Profile> expected = rest.values().stream().limit(limit).toList();
      assertThat(page).as("page after %s, limit %s", scanAfter, limit).containsExactlyElementsOf(expected);
      scanAfter = page.size() < limit ? Optional.empty() : Optional.of(page.get(page.size() - 1).id());
    }

    void readAheadThenRead() {
      List<Identifier> ids = new ArrayList<>();
      for (int k = 0; k < 1 + random.nextInt(random.nextInt(4) == 0 ? 90 : 8); k++) {
        ids.add(someIdentifier()); // duplicates allowed
      }
      List<String> events = new ArrayList<>();
      for (int k = 0; k < random.nextInt(10); k++) {
        events.add(pick(EVENT_IDS));
      }
      Collection<Identifier> hint = random.nextBoolean() ? ids : new LinkedHashSet<>(ids);
      if (random.nextInt(6) == 0) {
        hint = new ArrayList<>(ids);
        hint.add(null); // skipped by the in-memory store
      }
      store.readAhead(hint, events);
      checkOwned(ids, store.ownedProfiles(ids));
      for (String e : events) {
        assertThat(store.containsEvent(e)).as("containsEvent %s", e).isEqualTo(model.events.containsKey(e));
      }
      assertThat(store.containedEvents(events)).isEqualTo(events.stream().filter(model.events::containsKey).collect(Collectors.toSet()));
    }

    void checkOwned(List<Identifier> ids, OwnedProfiles read) {
      Map<Identifier, ProfileId> owners = new LinkedHashMap<>();
      Map<ProfileId, Profile> profiles = new LinkedHashMap<>();
      for (Identifier i : ids) {
        ProfileId o = model.index.get(i);
        if (o != null) {
          owners.put(i, o);
          Profile p = model.profiles.get(o);
          if (p != null) {
            profiles.put(o, p);
          }
        }
      }
      assertThat(read.owners()).as("owners").isEqualTo(owners);
      assertThat(read.profiles()).as("owned profiles").isEqualTo(profiles);
      assertThat(store.owners(ids)).isEqualTo(owners);
    }

    void quickCheck() {
      for (int k = 0; k < 3; k++) {
        ProfileId p = someProfileId();
        assertThat(store.profile(p)).as("profile %s", p).isEqualTo(Optional.ofNullable(model.profiles.get(p)));
        Identifier i = someIdentifier();
        assertThat(store.owner(i)).as("owner %s", i).isEqualTo(Optional.ofNullable(model.index.get(i)));
        String e = pick(EVENT_IDS);
        assertThat(store.containsEvent(e)).as("containsEvent %s", e).isEqualTo(model.events.containsKey(e));
      }
      assertThat(store.profileCount()).isEqualTo(model.profiles.size());
      assertThat(store.eventCount()).isEqualTo(model.events.size());
    }

    void fullCheck() {
      for (ProfileId p : PROFILES) {
        assertThat(store.profile(p)).as("profile %s", p).isEqualTo(Optional.ofNullable(model.profiles.get(p)));
        List<MergeRecord> named = model.log.stream().filter(r -> r.names(p)).toList();
        assertThat(store.mergeRecords(p)).as("merge records of %s", p).containsExactlyElementsOf(named);
      }
      for (Identifier i : IDS) {
        assertThat(store.owner(i)).as("owner %s", i).isEqualTo(Optional.ofNullable(model.index.get(i)));
        List<StoredEvent> at = model.events.values().stream().filter(e -> e.anchor().equals(i)).sorted(StoredEvent.TIMELINE_ORDER).toList();
        assertThat(store.events(List.of(i))).as("events at %s", i).containsExactlyElementsOf(at);
      }
      for (String e : EVENT_IDS) {
        StoredEvent stored = model.events.get(e);
        assertThat(store.containsEvent(e)).as("containsEvent %s", e).isEqualTo(stored != null);
        if (stored != null) {
          assertThat(store.containsEventAt(e, stored.anchor())).isTrue();
          Identifier other = someIdentifier();
          assertThat(store.containsEventAt(e, other)).isEqualTo(other.equals(stored.anchor()));
        }
      }
      // Timelines of profiles: the events anchored at the profile's identifiers.
      for (ProfileId p : model.profiles.keySet()) {
        List<Identifier> mine = identifiersOf(p);
        List<StoredEvent> timeline = model.events.values().stream().filter(e -> mine.contains(e.anchor()))
            .sorted(StoredEvent.TIMELINE_ORDER).toList();
        assertThat(store.events(mine)).as("timeline of %s", p).containsExactlyElementsOf(timeline);
      }
      checkOwned(IDS, store.ownedProfiles(IDS));
      assertThat(store.profileCount()).isEqualTo(model.profiles.size());
      assertThat(store.eventCount()).isEqualTo(model.events.size());
      assertThat(store.tombstoneCount()).isEqualTo(model.tombstones.size());
      for (String t : model.tombstones) {
        assertThat(store.isTombstoned(t)).isTrue();
      }
      try (Stream<StoredEvent> all = store.allEvents()) {
        assertThat(all.toList()).containsExactlyInAnyOrderElementsOf(model.events.values());
      }
      List<MergeRecord> log = new ArrayList<>();
      store.forEachMergeRecord(log::add);
      assertThat(log).containsExactlyElementsOf(model.log);
      for (int k = 0; k < 4; k++) {
        List<Identifier> asked = List.of(someIdentifier(), someIdentifier());
        List<MergeRecord> splits = model.log.stream()
            .filter(r -> r.kind() == MergeRecord.Kind.SPLIT && asked.stream().anyMatch(r::holds)).toList();
        assertThat(store.splitsNaming(asked)).as("splits naming %s", asked).containsExactlyElementsOf(splits);
      }
      for (MergeRecord r : model.log) {
        assertThat(store.mergeRecord(r.id())).contains(r);
      }
      List<Profile> all = new ArrayList<>();
      store.forEachProfile(all::add);
      assertThat(all).containsExactlyElementsOf(model.profiles.values());
      assertThat(store.profiles(Optional.empty(), Integer.MAX_VALUE)).containsExactlyElementsOf(model.profiles.values());
    }
  }
}
