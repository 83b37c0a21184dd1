package dev.clientele;

import com.google.common.collect.ImmutableList;
import dev.clientele.consent.Erasure;
import dev.clientele.consent.ErasureReport;
import dev.clientele.consent.internal.ConsentChanges;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.RevenueRules;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.internal.ProfileChanges;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.OwnedProfiles;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import dev.clientele.identity.IdentityResolver;
import dev.clientele.identity.LinkPlan;
import dev.clientele.identity.ResolvedIdentifiers;
import dev.clientele.identity.SurvivorshipRules;
import dev.clientele.identity.internal.LinkPlanner;
import dev.clientele.identity.internal.Survivorship;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * validate → resolve → update → append, as one optimistic commit retried on conflict.
 *
 * <p>Each attempt reads the owners of the event's identifiers and their profiles, computes the
 * new state (merging when the identifiers span several profiles), and commits it with the
 * versions and owners it read. A concurrent change makes the commit fail as a whole and the
 * attempt is repeated on fresh reads, so no event is half-applied or lost.
 */
final class IngestPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(IngestPipeline.class);
  static final int MAX_ATTEMPTS = ContentionGate.MAX_ATTEMPTS;
  /** Marks the id of a derived event ({@link #derived}); reserved, so host event ids may not contain it. */
  static final String DERIVED_MARK = "#~";

  private final Storage storage;
  private final IdentityResolver resolver;
  private final LinkPlanner planner;
  private final ActivityRules activity;
  private final RevenueRules revenue;
  /** Which {@code gdpr_delete} events may erase (the host's {@code Clientele.Builder.erasureEvents}). */
  private final Predicate<? super Event> erasureEvents;
  /** Which event times are accepted (the host's {@code Clientele.Builder.eventTimes}). */
  private final EventTimes eventTimes;
  private final Supplier<ProfileId> ids;
  /** The instance's counts: retries, writes that gave up, storage failures. */
  private final Counts tally;
  /**
   * Where the counts of one event that its {@link IngestResult} does not carry go (blocked and
   * malformed identifiers, blocked replays): the instance's counts, or for an {@code ingestAll}
   * batch's overlay, counts kept until the batch is committed. They also go to the call's counts
   * the caller passes ({@code call}, may be null).
   */
  private final Counts notes;
  private final Erasure erasure;
  private final Function<ProfileId, ErasureReport> eraser;
  private final SurvivorshipRules survivorship;
  /** Which observation of each attribute a profile keeps ({@link Survivorship#withinProfile}); null: the latest of all. */
  private final java.util.function.Function<String, java.util.Comparator<dev.clientele.core.Attribute>> attributePreference;
  private final Supplier<String> recordIds = IngestPipeline::randomRecordId;
  private final ContentionGate gate;

  /**
   * A random (version 4, IETF variant) UUID for a merge record made by ingestion, drawn from
   * {@link java.util.concurrent.ThreadLocalRandom}: {@link java.util.UUID#randomUUID} draws from
   * one {@code SecureRandom} that all threads share (a lock, and about a microsecond each, for one
   * event in twenty of a bulk load). A record id names a record; it is not a secret.
   */
  static String randomRecordId() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L; // variant 10
    return new java.util.UUID(high, low).toString();
  }

  IngestPipeline(
      Storage storage,
      IdentityResolver resolver,
      ActivityRules activity,
      RevenueRules revenue,
      Supplier<ProfileId> ids,
      Counts tally,
      Counts notes,
      Erasure erasure,
      Function<ProfileId, ErasureReport> eraser,
      Predicate<? super Event> erasureEvents,
      EventTimes eventTimes,
      ContentionGate gate) {
    this.gate = gate;
    this.erasureEvents = erasureEvents;
    this.eventTimes = eventTimes;
    this.erasure = erasure;
    this.planner = new LinkPlanner(resolver.rules());
    this.survivorship = resolver.rules().survivorship();
    this.attributePreference = Survivorship.withinProfile(survivorship);
    this.eraser = eraser;
    this.storage = storage;
    this.resolver = resolver;
    this.activity = activity;
    this.revenue = revenue;
    this.ids = ids;
    this.tally = tally;
    this.notes = notes;
  }

  /**
   * Ingests {@code raw}: the reserved-id check, the duplicate check, then its identifiers are
   * resolved ({@link #resolve}) and the rest is {@link #ingest(Event, ResolvedIdentifiers, Counts)}.
   * The counts of the event that its result does not carry (blocked and malformed identifiers,
   * a blocked replay) go to the instance's counts and to {@code call}, if not null.
   */
  IngestResult ingest(Event raw, Counts call) {
    IngestResult early = checked(raw);
    return early != null ? early : apply(raw, resolver.resolve(raw), null, call);
  }

  /**
   * Whether {@code raw}'s id is reserved for derived events: {@link #ingest(Event, Counts)} rejects it
   * without resolving its identifiers.
   */
  static boolean reserved(Event raw) {
    return raw.id().contains(DERIVED_MARK);
  }

  /**
   * The resolve step of {@link #ingest(Event, Counts)}: normalises and sorts {@code raw}'s identifiers.
   * It reads nothing from the store (normalisers are pure), so bulk ingestion resolves a group
   * of events ahead of applying them.
   */
  ResolvedIdentifiers resolve(Event raw) {
    return resolver.resolve(raw);
  }

  /**
   * {@link #ingest(Event, Counts)} with the identifiers resolved beforehand ({@code resolved} is
   * {@link #resolve}{@code (raw)}): the same checks in the same order (reserved id, duplicate),
   * then the same application.
   */
  IngestResult ingest(Event raw, ResolvedIdentifiers resolved, Counts call) {
    IngestResult early = checked(raw);
    return early != null ? early : apply(raw, resolved, null, call);
  }

  /**
   * {@link #ingest(Event, ResolvedIdentifiers, Counts)}, except that an event applied to a profile gives
   * no {@link IngestResult}: null is returned and the outcome is in {@code out} (valid until
   * {@code out} is used again), so bulk ingestion that only counts does not build a result per
   * event. Every other outcome (duplicate, rejected, erased) is returned as a result.
   */
  IngestResult ingest(Event raw, ResolvedIdentifiers resolved, Applied out, Counts call) {
    IngestResult early = checked(raw);
    return early != null ? early : apply(raw, resolved, out, call);
  }

  /**
   * What applying an event to a profile gave, as the fields of its {@link IngestResult} (outcome
   * {@link IngestResult.Outcome#APPLIED}, no erased profiles), without the result object. Filled
   * by {@link #ingest(Event, ResolvedIdentifiers, Applied, Counts)}; reused from event to event by one
   * thread (bulk ingestion makes a new one every few read-ahead groups to keep it young, see
   * {@code Clientele.ingestInGroups}), so its lists (the problems list is its own, cleared per
   * event) are valid only until the next event.
   */
  static final class Applied {
    final List<String> problems = new ArrayList<>();
    ProfileId profile;
    boolean createdProfile;
    List<ProfileId> mergedProfiles = ImmutableList.of();
    List<LinkPlan.Refusal> refusals = ImmutableList.of();
    List<ProfileId> otherProfiles = ImmutableList.of();
    /**
     * The builder of the profile versions made through this holder (one thread; bulk ingestion
     * replaces the holder every few hundred events), reused from event to event (made on first use)
     * and emptied by {@link #clear} after each.
     */
    private Profile.Builder builder;
    /** The id an emptied {@link #builder} holds; never built. */
    private static final ProfileId RELEASED = ProfileId.of("released-builder");

    /** {@code profile.toBuilder()}, without a new builder: this call's, reset to {@code profile}. */
    Profile.Builder builderOf(Profile profile) {
      return builder == null ? (builder = profile.toBuilder()) : builder.reset(profile);
    }

    /** {@code Profile.builder(id, createdAt)}, without a new builder: this call's, reset to a new profile. */
    Profile.Builder builderOf(ProfileId id, java.time.Instant createdAt) {
      return builder == null ? (builder = Profile.builder(id, createdAt)) : builder.reset(id, createdAt);
    }

    /**
     * Drops what the last event left (the next attempt starts from an empty problems list),
     * including the builder's references to the last profile's identifiers and attributes: an
     * erasure applied between two events must leave nothing of the erased person reachable.
     */
    void clear() {
      if (builder != null) {
        builder.reset(RELEASED, java.time.Instant.EPOCH); // empty arrays and collections, no allocation
      }
      problems.clear();
      profile = null;
      createdProfile = false;
      mergedProfiles = ImmutableList.of();
      refusals = ImmutableList.of();
      otherProfiles = ImmutableList.of();
    }
  }

  /**
   * What {@link #ingest(Event, Counts)} gives for {@code raw} when resolving it threw {@code failure}:
   * {@link #ingest(Event, Counts)} checks for a duplicate before resolving, so a stored id gives a
   * duplicate; otherwise {@code failure} is thrown.
   */
  IngestResult afterFailedResolve(Event raw, Throwable failure) {
    IngestResult early = checked(raw);
    if (early != null) {
      return early;
    }
    throw sneaky(failure);
  }

  /**
   * The checks {@link #ingest(Event, Counts)} makes before resolving, in its order: a reserved id is
   * rejected, a stored id is a duplicate; null when neither.
   */
  private IngestResult checked(Event raw) {
    if (reserved(raw)) {
      return rejectedReserved(raw);
    }
    if (storage.containsEvent(raw.id())) {
      return IngestResult.duplicate(raw.id()); // also when its time is now outside the window
    }
    String outside = eventTimes.refusal(raw);
    if (outside != null) {
      return IngestResult.rejected(raw.id(), List.of(outside));
    }
    return null;
  }

  /**
   * Throws {@code t} as it is, checked or not (for a failure caught as {@link Throwable} that must
   * reach the caller unchanged); declared to return an exception so callers can write
   * {@code throw sneaky(t)}.
   */
  @SuppressWarnings("unchecked")
  static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
    throw (T) t;
  }

  private static IngestResult rejectedReserved(Event raw) {
    return IngestResult.rejected(raw.id(), List.of("event " + raw.id() + " rejected: event ids containing '" + DERIVED_MARK
        + "' are reserved for the parts of consent events that Clientele applies to other profiles"));
  }

  /**
   * Everything of {@link #ingest(Event, Counts)} after the checks and the resolve step; with {@code out},
   * an applied event gives null and its outcome in {@code out}.
   */
  private IngestResult apply(Event raw, ResolvedIdentifiers resolved, Applied out, Counts call) {
    if (!resolved.hasAnchor()) {
      note(Counts.BLOCKED_IDENTIFIERS, resolved.blocked().size(), call);
      List<String> why = new ArrayList<>(resolved.problems());
      why.add(0, "event " + raw.id() + " rejected: every identifier is blocked");
      return IngestResult.rejected(raw.id(), why);
    }
    if (raw.is("compliance", "gdpr_delete")) {
      try {
        if (!erasureEvents.test(raw)) {
          return IngestResult.rejected(raw.id(), List.of("gdpr_delete event " + raw.id()
              + " rejected: this instance does not accept erasure by this event (Clientele.Builder.erasureEvents)"));
        }
        return erase(resolved);
      } finally {
        // The event names the person and is not stored: neither are its values kept in the
        // normalisation cache (an erasure drops the erased values' entries; this drops the
        // event's own spellings, also when nobody held them: a second request for one person,
        // or a request this instance refuses for a person erased otherwise).
        resolver.forgetSpellings(raw.identifiers());
      }
    }
    boolean active = activity.isActive(resolved.event());
    gate.awaitTurn();
    try {
      return attempt(raw, resolved, active, out, call); // the first attempt without the retry's lambdas
    } catch (CommitConflictException conflict) {
      IngestResult duplicate = afterConflict(raw, 1);
      if (duplicate != null) {
        return duplicate;
      }
      Thread.yield();
    }
    return gate.retry(1, () -> attempt(raw, resolved, active, out, call), (n, conflict) -> afterConflict(raw, n), (n, conflict) -> {
      tally.add(Counts.WRITES_GAVE_UP, 1);
      return new IllegalStateException(
          "event " + raw.id() + " could not be applied after " + n + " attempts: " + conflict.getMessage(), conflict);
    });
  }

  /**
   * Adds {@code n} to {@code counter} of the instance and of {@code call} (if any): a count of one
   * event that its {@link IngestResult} does not carry, made where it happens, once per event.
   */
  private void note(int counter, int n, Counts call) {
    if (n != 0) {
      notes.add(counter, n);
      if (call != null) {
        call.add(counter, n);
      }
    }
  }

  /** After attempt {@code n} to apply {@code raw} lost a race: a duplicate if the event is stored meanwhile, else null to retry. */
  private IngestResult afterConflict(Event raw, int n) {
    if (storage.containsEvent(raw.id())) {
      return IngestResult.duplicate(raw.id());
    }
    tally.add(Counts.RETRIES, 1);
    LOG.debug("retrying an event after a concurrent change (attempt {})", n);
    return null;
  }

  /**
   * A {@code gdpr_delete} event: erases every profile holding one of its identifiers. The event
   * itself is not stored, since it names the person.
   *
   * <p>The profiles are erased one after the other, each atomically. If one fails (the backend
   * fails, refuses a redaction, or the profile keeps changing), those erased before it stay erased
   * and no result reports them: they are counted here, in the instance's {@code profilesErased},
   * before the exception goes on, since a retry of the event finds and reports only the rest.
   */
  private IngestResult erase(ResolvedIdentifiers r) {
    Set<Identifier> lookup = new LinkedHashSet<>(r.linkable());
    lookup.addAll(r.malformed());
    TreeSet<ProfileId> owners = new TreeSet<>(storage.owners(lookup).values());
    if (owners.isEmpty()) {
      return IngestResult.rejected(r.event().id(), List.of(
          "gdpr_delete event " + r.event().id() + " rejected: no profile holds its identifiers"));
    }
    ProfileId first = owners.first();
    List<String> done = new ArrayList<>();
    List<ProfileId> erased = new ArrayList<>();
    // A merge committed meanwhile can move an identifier to a survivor read after the owners
    // were: look again until no profile holds any of the identifiers.
    try {
      for (int round = 1; !owners.isEmpty(); round++) {
        if (round > MAX_ATTEMPTS) {
          tally.add(Counts.WRITES_GAVE_UP, 1);
          throw new IllegalStateException("gdpr_delete event " + r.event().id() + ": profiles kept taking its identifiers");
        }
        for (ProfileId id : owners) {
          try {
            ErasureReport report = eraser.apply(id);
            erased.add(id);
            done.add("erased profile " + id + ": " + report.identifiers() + " identifiers, " + report.events() + " events");
          } catch (java.util.NoSuchElementException e) {
            done.add("profile " + id + " was already gone");
          } catch (dev.clientele.core.spi.StorageException e) {
            tally.add(Counts.STORAGE_FAILURES, 1); // the erasure of this profile failed in the backend
            throw e;
          }
        }
        owners = new TreeSet<>(storage.owners(lookup).values());
      }
    } catch (RuntimeException | Error failed) {
      tally.add(Counts.PROFILES_ERASED, erased.size()); // erased for good, and in no result
      throw failed;
    }
    return new IngestResult(r.event().id(), IngestResult.Outcome.ERASED, Optional.of(erased.isEmpty() ? first : erased.get(0)), false, List.of(), done, List.of(), erased, List.of());
  }

  /**
   * The data a derived event keeps: what its consent or deliverability change reads
   * ({@code channel}) and what the consent ledger lists ({@code method}). The rest of the event
   * (a device, a note, anything a host sends) is the data of the person whose event it is, on
   * whose timeline it stays: copied to the other profile, it showed on their timeline and in
   * their portability bundle, and a {@code device} became their {@code last_device}.
   */
  private static final Set<String> DERIVED_DATA = Set.of("channel", "method");

  /**
   * The part of {@code event} that concerns another profile: same type, action, time and source,
   * only {@code identifiers}, of its data only {@link #DERIVED_DATA}, and the id
   * {@code <id>#~<n>}. Host event ids may not
   * contain {@link #DERIVED_MARK} ({@link #ingest} rejects them), so a derived id never meets a
   * host's. An original id near the 256-character limit is shortened to its first 224
   * characters and 64 bits of its SHA-256.
   */
  private static Event derived(Event event, int n, List<Identifier> identifiers) {
    String id = event.id();
    String base = id;
    if (id.length() > 240) {
      int cut = Character.isHighSurrogate(id.charAt(223)) ? 223 : 224; // never half a pair
      base = id.substring(0, cut) + "~"
          + com.google.common.hash.Hashing.sha256().hashString(id, java.nio.charset.StandardCharsets.UTF_8).toString().substring(0, 16);
    }
    Event.Builder b = Event.builder(base + DERIVED_MARK + n, event.type(), event.timestamp())
        .action(event.action()).source(event.source());
    event.data().forEach((key, value) -> {
      if (DERIVED_DATA.contains(key)) {
        b.data(key, value);
      }
    });
    identifiers.forEach(b::identifier);
    return b.build();
  }

  private static boolean consentLike(Event event) {
    return event.type().equals("consent") || event.type().equals("reachability");
  }

  /** The event's messaging targets whose links were refused, by their (other) owner. */
  private static Map<ProfileId, List<Identifier>> consentElsewhere(Event event, LinkPlan plan, Map<Identifier, ProfileId> owners) {
    if (!consentLike(event) || plan.refusals().isEmpty()) {
      return Map.of();
    }
    List<Identifier> refused = plan.refusals().stream().map(LinkPlan.Refusal::identifier).toList();
    Map<ProfileId, List<Identifier>> out = new java.util.TreeMap<>();
    for (Identifier id : ConsentChanges.messagingTargets(event, refused).orElse(List.of())) {
      ProfileId owner = owners.get(id);
      if (owner != null && !plan.profiles().contains(owner)) {
        out.computeIfAbsent(owner, k -> new ArrayList<>()).add(id);
      }
    }
    return out;
  }

  /** The event's messaging targets that the resolved profile holds or gains. */
  private static List<Identifier> messagingTargetsIn(Event event, LinkPlan plan, Map<Identifier, ProfileId> owners) {
    Set<Identifier> refused = new HashSet<>();
    plan.refusals().forEach(x -> refused.add(x.identifier()));
    List<Identifier> mine = new ArrayList<>();
    for (Identifier id : event.identifiers()) {
      if (!refused.contains(id) && (plan.attach().contains(id) || plan.profiles().contains(owners.get(id)))) {
        mine.add(id);
      }
    }
    return ConsentChanges.messagingTargets(event, mine).orElse(List.of());
  }

  /**
   * The identifiers an event looks up: its linkable ones, then its malformed ones (the two are
   * disjoint). No copy when it has no malformed identifier, the common case.
   */
  private static List<Identifier> lookupOf(ResolvedIdentifiers r) {
    if (r.malformed().isEmpty()) {
      return r.linkable();
    }
    if (r.linkable().isEmpty()) {
      return r.malformed();
    }
    List<Identifier> all = new ArrayList<>(r.linkable().size() + r.malformed().size());
    all.addAll(r.linkable());
    all.addAll(r.malformed());
    return all;
  }

  /**
   * Adds the identifiers the event of {@code r} will look up ({@link #lookupOf}: linkable, then
   * malformed) to {@code into}, by index: no iterator or array per event.
   */
  static void addLookup(ResolvedIdentifiers r, List<Identifier> into) {
    List<Identifier> linkable = r.linkable();
    for (int i = 0; i < linkable.size(); i++) {
      into.add(linkable.get(i));
    }
    List<Identifier> malformed = r.malformed();
    for (int i = 0; i < malformed.size(); i++) {
      into.add(malformed.get(i));
    }
  }

  private IngestResult attempt(Event raw, ResolvedIdentifiers r, boolean active, Applied out, Counts call) {
    Event event = r.event();
    if (out != null) {
      out.clear(); // also after a conflict: a retried attempt starts again
    }
    List<Identifier> lookup = lookupOf(r);
    OwnedProfiles read = storage.ownedProfiles(lookup);
    Map<Identifier, ProfileId> owners = read.owners();
    if (owners.size() < lookup.size()) { // some identifier has no owner: was it erased?
      for (int i = 0; i < lookup.size(); i++) { // by index: no iterator per event
        Identifier id = lookup.get(i);
        if (!owners.containsKey(id) && erasure.blocks(id)) {
          note(Counts.REPLAYS_BLOCKED, 1, call); // a returned result ends the write: counted once
          // Normalising the replay cached the erased person's values again: drop them (the store
          // dropped this thread's read of them when it found the tombstone).
          resolver.forgetSpellings(raw.identifiers());
          return IngestResult.rejected(event.id(), List.of(
              "event " + event.id() + " rejected: its " + id.type() + " belongs to an erased person (replay blocked)"));
        }
      }
    }

    Map<ProfileId, Profile> owned = read.profiles();
    if (!owners.isEmpty()) {
      // Every owner read must come with its profile (as OwnedProfiles.missingProfile, without
      // the iterators over the owners' values: by index over the lookup list).
      for (int i = 0; i < lookup.size(); i++) {
        ProfileId o = owners.get(lookup.get(i));
        if (o != null && !owned.containsKey(o)) {
          throw new CommitConflictException("profile " + o + " vanished while resolving");
        }
      }
    }
    List<MergeRecord> splits = List.of();
    if (owned.size() > 1) { // a merge is possible: keep the sides of earlier splits apart
      // A list, not a set: every identifier has one owner, so the owners' identifiers are
      // distinct already (and splitsNaming accepts repeats); hashing each of them cost more
      // than the lookup it fed. Sized up front and read by index: no lambdas, no list of each
      // old version's identifiers.
      int count = 0;
      for (Profile p : owned.values()) {
        count += p.identifierCount();
      }
      List<Identifier> held = new ArrayList<>(count);
      for (Profile p : owned.values()) {
        for (int i = 0; i < p.identifierCount(); i++) {
          held.add(p.identifierAt(i).identifier());
        }
      }
      splits = storage.splitsNaming(held);
    }
    LinkPlan plan = planner.planOrNull(r, owners, owned, splits);
    if (plan == null) {
      return IngestResult.rejected(event.id(), List.of("event " + event.id() + " rejected: no identifier could be linked"));
    }
    Map<ProfileId, List<Identifier>> consentElsewhere = consentElsewhere(event, plan, owners);
    List<Identifier> redirected = null;
    if (consentElsewhere.size() == 1 && plan.attach().isEmpty() && plan.profiles().size() <= 1
        && messagingTargetsIn(event, plan, owners).isEmpty()) {
      // A consent or bounce about a messaging identifier whose link was refused, and about nothing
      // the resolved profile holds: it concerns the identifier's owner, so it goes there (and on
      // that profile's timeline and consent ledger). Not when the event brings new identifiers or
      // links profiles: those attach and merge as planned (a malformed value never links, so it
      // must not undo the links of the others), and the owner gets its part as a derived event
      // (below).
      Map.Entry<ProfileId, List<Identifier>> e = consentElsewhere.entrySet().iterator().next();
      redirected = e.getValue();
      plan = new LinkPlan(List.of(e.getKey()), List.of(), redirected.get(0), plan.refusals());
      consentElsewhere = Map.of();
    }
    List<ProfileId> chosen = plan.profiles();

    Commit.Builder commit = Commit.builder();
    Profile.Builder profile;
    long expectedVersion;
    long nextVersion; // expectedVersion + 1, or above every merged profile's version (Commit.ProfileWrite)
    List<ProfileId> merged = ImmutableList.of(); // (ImmutableList: copied for free by ProfileChange, IngestResult)
    if (chosen.isEmpty()) {
      // With `out` (one ingestAll call's loop), its builder reset instead of a new one per event.
      profile = out != null ? out.builderOf(ids.get(), event.timestamp()) : Profile.builder(ids.get(), event.timestamp());
      expectedVersion = 0;
      nextVersion = 1;
    } else if (chosen.size() == 1) {
      Profile only = owned.get(chosen.get(0));
      profile = out != null ? out.builderOf(only) : only.toBuilder();
      expectedVersion = only.version();
      nextVersion = expectedVersion + 1;
    } else {
      List<Profile> profiles = new ArrayList<>(chosen.size());
      chosen.forEach(id -> profiles.add(owned.get(id)));
      Profile survivor = Survivorship.survivor(profiles, survivorship);
      profile = Survivorship.merge(profiles, survivor, survivorship); // the survivor chosen once
      expectedVersion = survivor.version();
      long highest = 0;
      for (int i = 0; i < profiles.size(); i++) {
        highest = Math.max(highest, profiles.get(i).version());
      }
      nextVersion = highest + 1;
      List<ProfileId> losers = new ArrayList<>(profiles.size() - 1);
      List<MergeRecord.Side> sides = new ArrayList<>(profiles.size() - 1);
      for (Profile loser : profiles) {
        if (loser == survivor) {
          continue;
        }
        losers.add(loser.id());
        commit.deleteProfile(loser.id(), loser.version());
        Set<Identifier> held = new LinkedHashSet<>();
        for (IdentifierState s : loser.identifiers()) {
          commit.assign(s.identifier(), Optional.of(loser.id()), survivor.id());
          held.add(s.identifier());
        }
        sides.add(new MergeRecord.Side(loser.id(), held, List.copyOf(loser.mergedFrom())));
      }
      merged = losers;
      List<Identifier> links = new ArrayList<>();
      for (Identifier id : lookup) {
        if (chosen.contains(owners.get(id))) {
          links.add(id);
        }
      }
      commit.logMerge(new MergeRecord(
          recordIds.get(), MergeRecord.Kind.MERGE, event.timestamp(), survivor.id(), sides, Optional.of(event.id()), links,
          Optional.empty(), "one event carried identifiers held by " + profiles.size() + " profiles"));
    }
    ProfileId owner = profile.id();

    // Most events have no problem: an empty ArrayList has no array until the first add. With
    // `out`, its own list, reused.
    List<String> problems;
    if (out != null) {
      problems = out.problems;
      problems.addAll(r.problems());
    } else {
      problems = r.problems().isEmpty() ? new ArrayList<>() : new ArrayList<>(r.problems());
    }
    for (int i = 0; i < plan.refusals().size(); i++) { // by index: no iterator per event
      LinkPlan.Refusal refusal = plan.refusals().get(i);
      problems.add("link refused (" + refusal.rule().name().toLowerCase(java.util.Locale.ROOT) + "): " + refusal.reason());
    }
    // The identifiers this event brings to the resolved profile: all of its own that were not
    // refused (all of them, the common case, when nothing was refused).
    List<Identifier> attach;
    if (redirected != null) {
      attach = redirected;
      problems.add("consent/reachability event applied to the profile holding its messaging identifier");
    } else if (plan.refusals().isEmpty()) {
      attach = lookup;
    } else {
      Set<Identifier> refused = new HashSet<>();
      plan.refusals().forEach(x -> refused.add(x.identifier()));
      attach = new ArrayList<>(lookup.size());
      for (Identifier id : lookup) {
        if (!refused.contains(id)) {
          attach.add(id);
        }
      }
    }
    List<Identifier> attaching = plan.attach();
    for (int i = 0; i < attaching.size(); i++) { // by index: no iterator per event
      commit.assign(attaching.get(i), Optional.empty(), owner);
    }
    ProfileChanges.apply(profile, event, attach, r.malformed(), active, revenue, attributePreference, problems);
    ConsentChanges.apply(profile, event, attach, problems);
    // Also a consent or bounce naming identifiers of this profile and of others (links refused):
    // each other owner gets its part as a derived event of its own (same type, time, data;
    // only its identifiers), applied and stored like any event, so an opt-out is never lost to
    // a refused link, it is on that profile's timeline and ledger, and erasing either person
    // leaves no trace in the other's events.
    if (!consentElsewhere.isEmpty()) { // (iterating even an empty Map.of() allocates)
      applyElsewhere(consentElsewhere, event, owned, r.malformed(), active, commit, problems);
    }
    Profile next = profile.version(nextVersion).build();
    commit.putProfile(next, expectedVersion);
    // The stored event keeps only the identifiers applied to this profile: refused ones belong to
    // other people (erasing them must leave no copy here) and blocked ones are junk.
    commit.append(new StoredEvent(attach.size() == event.identifiers().size() ? event : event.withIdentifiers(attach), plan.anchor()));
    try {
      storage.commit(commit.build());
    } catch (dev.clientele.core.spi.StorageException failed) {
      readBack(event.id(), owner, plan.anchor(), failed);
    }
    // Applied (a conflict or failure above left by an exception): the identifiers' counts, once.
    note(Counts.BLOCKED_IDENTIFIERS, r.blocked().size(), call);
    note(Counts.MALFORMED_IDENTIFIERS, r.malformed().size(), call);
    List<ProfileId> others = consentElsewhere.isEmpty() ? ImmutableList.of() : ImmutableList.copyOf(consentElsewhere.keySet());
    if (out != null) {
      out.profile = owner;
      out.createdProfile = expectedVersion == 0;
      out.mergedProfiles = merged;
      out.refusals = plan.refusals();
      out.otherProfiles = others;
      return null;
    }
    return new IngestResult(
        event.id(), IngestResult.Outcome.APPLIED, Optional.of(owner), expectedVersion == 0, merged, problems, plan.refusals(), List.of(),
        others);
  }

  /**
   * After the backend failed to commit event {@code eventId}: returns if this commit was applied
   * after all (only its acknowledgement was lost, which the SPI allows), so that the caller
   * reports it applied and the segments hear of it; a retry would only find a duplicate.
   * Otherwise, or if a read fails too, throws {@code failed}.
   *
   * <p>The event being stored is not enough: another writer (another node, an at-least-once
   * redelivery) may have stored the same event id meanwhile, on a profile this commit did not
   * write. So the event must also be filed under {@code anchor} and {@code anchor} be held by
   * {@code owner}, the profile this commit put (a new profile's id is this commit's own). When
   * another writer applied the same event to the same profile, the state is the one this commit
   * would have left, and reporting it applied is true.
   *
   * <p>The check errs towards "failed": if another writer merged {@code owner} away before this
   * read, an applied commit is reported failed. Nothing is lost then: ingesting the event again
   * reports it a duplicate, and segments catch up at their next {@code refresh}. Reporting a
   * commit applied that was not would lose the event. This runs only after a backend failure,
   * with keyed reads only ({@link Storage#containsEventAt}: not the anchor's timeline, which for
   * a hot anchor is long, just when the backend struggles). Counted in the instance's
   * {@code storageFailures} or {@code commitsRecovered}.
   */
  private void readBack(String eventId, ProfileId owner, Identifier anchor, dev.clientele.core.spi.StorageException failed) {
    if (storage instanceof StagedStorage) {
      // A staged commit never reaches the backend: what failed was a read through it, which the
      // batch (Clientele.ingestBatch) reports as such, counting no failed commit.
      throw failed;
    }
    boolean applied;
    try {
      applied = storage.containsEventAt(eventId, anchor)
          && storage.owner(anchor).filter(owner::equals).isPresent()
          && storage.profile(owner).isPresent();
    } catch (RuntimeException alsoFailed) {
      failed.addSuppressed(alsoFailed);
      tally.add(Counts.STORAGE_FAILURES, 1);
      throw failed;
    }
    if (!applied) {
      tally.add(Counts.STORAGE_FAILURES, 1);
      throw failed;
    }
    tally.add(Counts.COMMITS_RECOVERED, 1);
    LOG.debug("a commit reported as failed was applied; the event counts as applied");
  }

  /** Applies the parts of a consent or bounce event that concern other profiles, as derived events. */
  private void applyElsewhere(
      Map<ProfileId, List<Identifier>> consentElsewhere,
      Event event,
      Map<ProfileId, Profile> owned,
      List<Identifier> malformed,
      boolean active,
      Commit.Builder commit,
      List<String> problems) {
    int derivedCount = 0;
    for (Map.Entry<ProfileId, List<Identifier>> e : consentElsewhere.entrySet()) {
      Profile other = owned.get(e.getKey());
      Event derived = derived(event, ++derivedCount, e.getValue());
      Profile.Builder b = other.toBuilder();
      List<String> ignored = new ArrayList<>();
      // A consent or bounce (consentLike): no order, so no revenue rules are needed.
      // A derived event keeps only DERIVED_DATA (no device, not an identify): it sets no attribute
      // today; the preference is passed so that it stays right if that ever changes.
      ProfileChanges.apply(b, derived, e.getValue(), malformed, active, RevenueRules.anyCurrency(), attributePreference, ignored);
      ConsentChanges.apply(b, derived, e.getValue(), ignored);
      commit.putProfile(b.version(other.version() + 1).build(), other.version());
      commit.append(new StoredEvent(derived, e.getValue().get(0)));
      problems.add("consent/reachability for " + e.getValue().size()
          + " identifier(s) held by another profile applied there as event " + derived.id());
    }
  }
}
