package dev.clientele;

import dev.clientele.consent.Erasure;
import dev.clientele.consent.ErasureReport;
import dev.clientele.consent.internal.ConsentChanges;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.internal.ProfileChanges;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import dev.clientele.identity.IdentityResolver;
import dev.clientele.identity.LinkPlan;
import dev.clientele.identity.LinkPlanner;
import dev.clientele.identity.ResolvedIdentifiers;
import dev.clientele.identity.Survivorship;
import dev.clientele.identity.SurvivorshipRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
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
  static final int MAX_ATTEMPTS = 100;

  private final Storage storage;
  private final IdentityResolver resolver;
  private final LinkPlanner planner;
  private final ActivityRules activity;
  private final Supplier<ProfileId> ids;
  private final Tally tally;
  private final Erasure erasure;
  private final Function<ProfileId, ErasureReport> eraser;
  private final SurvivorshipRules survivorship;
  private final Supplier<String> recordIds = () -> java.util.UUID.randomUUID().toString();

  IngestPipeline(
      Storage storage,
      IdentityResolver resolver,
      ActivityRules activity,
      Supplier<ProfileId> ids,
      Tally tally,
      Erasure erasure,
      Function<ProfileId, ErasureReport> eraser) {
    this.erasure = erasure;
    this.planner = new LinkPlanner(resolver.rules());
    this.survivorship = resolver.rules().survivorship();
    this.eraser = eraser;
    this.storage = storage;
    this.resolver = resolver;
    this.activity = activity;
    this.ids = ids;
    this.tally = tally;
  }

  IngestResult ingest(Event raw) {
    if (storage.containsEvent(raw.id())) {
      return IngestResult.duplicate(raw.id());
    }
    ResolvedIdentifiers resolved = resolver.resolve(raw);
    if (resolved.anchor().isEmpty()) {
      List<String> why = new ArrayList<>(resolved.problems());
      why.add(0, "event " + raw.id() + " rejected: every identifier is blocked");
      return IngestResult.rejected(raw.id(), why);
    }
    if (raw.is("compliance", "gdpr_delete")) {
      return erase(resolved);
    }
    boolean active = activity.isActive(resolved.event());
    for (int attempt = 1; ; attempt++) {
      try {
        return attempt(resolved, active);
      } catch (CommitConflictException e) {
        if (storage.containsEvent(raw.id())) {
          return IngestResult.duplicate(raw.id());
        }
        tally.retries.increment();
        if (attempt >= MAX_ATTEMPTS) {
          throw new IllegalStateException(
              "event " + raw.id() + " could not be applied after " + attempt + " attempts: " + e.getMessage(), e);
        }
        LOG.debug("retrying an event after a concurrent change (attempt {})", attempt);
        Thread.yield();
      }
    }
  }

  /**
   * A {@code gdpr_delete} event: erases every profile holding one of its identifiers. The event
   * itself is not stored, since it names the person.
   */
  private IngestResult erase(ResolvedIdentifiers r) {
    Set<Identifier> lookup = new LinkedHashSet<>(r.linkable());
    lookup.addAll(r.malformed());
    TreeSet<ProfileId> owners = new TreeSet<>(storage.owners(lookup).values());
    if (owners.isEmpty()) {
      return IngestResult.rejected(r.event().id(), List.of(
          "gdpr_delete event " + r.event().id() + " rejected: no profile holds its identifiers"));
    }
    List<String> done = new ArrayList<>();
    List<ProfileId> erased = new ArrayList<>();
    for (ProfileId id : owners) {
      try {
        ErasureReport report = eraser.apply(id);
        erased.add(id);
        done.add("erased profile " + id + ": " + report.identifiers() + " identifiers, " + report.events() + " events");
      } catch (java.util.NoSuchElementException e) {
        done.add("profile " + id + " was already gone");
      }
    }
    return new IngestResult(r.event().id(), IngestResult.Outcome.ERASED, Optional.of(owners.first()), false, List.of(), done, List.of(), erased);
  }

  private IngestResult attempt(ResolvedIdentifiers r, boolean active) {
    Event event = r.event();
    Set<Identifier> lookup = new LinkedHashSet<>(r.linkable());
    lookup.addAll(r.malformed());
    Map<Identifier, ProfileId> owners = storage.owners(lookup);
    for (Identifier id : lookup) {
      if (!owners.containsKey(id) && erasure.blocks(id)) {
        return IngestResult.rejected(event.id(), List.of(
            "event " + event.id() + " rejected: its " + id.type() + " belongs to an erased person (replay blocked)"));
      }
    }

    Map<ProfileId, Profile> owned = new HashMap<>();
    for (ProfileId id : new TreeSet<>(owners.values())) {
      owned.put(id, storage.profile(id).orElseThrow(
          () -> new CommitConflictException("profile " + id + " vanished while resolving")));
    }
    List<MergeRecord> splits = List.of();
    if (owned.size() > 1) { // a merge is possible: keep the sides of earlier splits apart
      Set<Identifier> held = new HashSet<>();
      owned.values().forEach(p -> p.identifiers().forEach(s -> held.add(s.identifier())));
      splits = storage.splitsNaming(held);
    }
    Optional<LinkPlan> planned = planner.plan(r, owners, owned, splits);
    if (planned.isEmpty()) {
      return IngestResult.rejected(event.id(), List.of("event " + event.id() + " rejected: no identifier could be linked"));
    }
    LinkPlan plan = planned.get();
    List<Profile> profiles = plan.profiles().stream().map(owned::get).toList();

    Commit.Builder commit = Commit.builder();
    Profile.Builder profile;
    long expectedVersion;
    List<ProfileId> merged = List.of();
    if (profiles.isEmpty()) {
      profile = Profile.builder(ids.get(), event.timestamp());
      expectedVersion = 0;
    } else if (profiles.size() == 1) {
      profile = profiles.get(0).toBuilder();
      expectedVersion = profiles.get(0).version();
    } else {
      Profile survivor = Survivorship.survivor(profiles, survivorship);
      profile = Survivorship.merge(profiles, survivorship);
      expectedVersion = survivor.version();
      merged = Survivorship.losers(profiles, survivorship);
      List<MergeRecord.Side> sides = new ArrayList<>();
      for (Profile loser : profiles) {
        if (loser == survivor) {
          continue;
        }
        commit.deleteProfile(loser.id(), loser.version());
        Set<Identifier> held = new LinkedHashSet<>();
        for (IdentifierState s : loser.identifiers()) {
          commit.assign(s.identifier(), Optional.of(loser.id()), survivor.id());
          held.add(s.identifier());
        }
        sides.add(new MergeRecord.Side(loser.id(), held, List.copyOf(loser.mergedFrom())));
      }
      List<Identifier> links = new ArrayList<>();
      for (Identifier id : lookup) {
        if (plan.profiles().contains(owners.get(id))) {
          links.add(id);
        }
      }
      commit.logMerge(new MergeRecord(
          recordIds.get(), MergeRecord.Kind.MERGE, event.timestamp(), survivor.id(), sides, Optional.of(event.id()), links,
          Optional.empty(), "one event carried identifiers held by " + profiles.size() + " profiles"));
    }
    ProfileId owner = profile.id();

    List<String> problems = new ArrayList<>(r.problems());
    for (LinkPlan.Refusal refusal : plan.refusals()) {
      problems.add("link refused (" + refusal.rule().name().toLowerCase(java.util.Locale.ROOT) + "): " + refusal.reason());
    }
    Set<Identifier> refused = new HashSet<>();
    plan.refusals().forEach(x -> refused.add(x.identifier()));
    // The identifiers this event brings to the resolved profile: all of its own that were not refused.
    List<Identifier> attach = new ArrayList<>();
    for (Identifier id : lookup) {
      if (!refused.contains(id)) {
        attach.add(id);
      }
    }
    for (Identifier id : plan.attach()) {
      commit.assign(id, Optional.empty(), owner);
    }
    ProfileChanges.apply(profile, event, attach, new HashSet<>(r.malformed()), active, problems);
    ConsentChanges.apply(profile, event, attach, problems);
    Profile next = profile.version(expectedVersion + 1).build();
    commit.putProfile(next, expectedVersion);
    commit.append(new StoredEvent(event, plan.anchor()));
    storage.commit(commit.build());
    return new IngestResult(
        event.id(), IngestResult.Outcome.APPLIED, Optional.of(owner), expectedVersion == 0, merged, problems, plan.refusals(), List.of());
  }
}
