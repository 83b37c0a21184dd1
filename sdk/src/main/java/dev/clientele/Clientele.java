package dev.clientele;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.analytics.ActiveUsers;
import dev.clientele.analytics.ActivityStatusCounts;
import dev.clientele.analytics.ActivityStatuses;
import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.analytics.Engagement;
import dev.clientele.analytics.EngagementLevel;
import dev.clientele.analytics.EngagementLevels;
import dev.clientele.analytics.EngagementThresholds;
import dev.clientele.analytics.ClvScorer;
import dev.clientele.analytics.CustomerValue;
import dev.clientele.analytics.MauCount;
import dev.clientele.analytics.ActivityIndex;
import dev.clientele.analytics.Affinities;
import dev.clientele.analytics.AffinityRules;
import dev.clientele.analytics.CategoryScore;
import dev.clientele.analytics.DailyProfileCounts;
import dev.clientele.analytics.Granularity;
import dev.clientele.analytics.MauEstimate;
import dev.clientele.analytics.MauSketches;
import dev.clientele.analytics.MetricKey;
import dev.clientele.analytics.MetricPoint;
import dev.clientele.analytics.MetricSnapshot;
import dev.clientele.analytics.MetricSnapshots;
import dev.clientele.analytics.ProfileCountStore;
import dev.clientele.analytics.ProfilesOverTime;
import dev.clientele.analytics.PeriodUnit;
import dev.clientele.analytics.RfmSummaries;
import dev.clientele.analytics.RfmSummary;
import dev.clientele.consent.Audience;
import dev.clientele.consent.AudienceCounts;
import dev.clientele.consent.ConsentChange;
import dev.clientele.consent.ConsentLedger;
import dev.clientele.consent.Erasure;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.consent.ErasureReport;
import dev.clientele.consent.Reachability;
import dev.clientele.consent.ReachabilityEvaluator;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.RevenueRules;
import dev.clientele.core.Event;
import dev.clientele.core.FieldView;
import dev.clientele.core.Identifier;
import dev.clientele.core.Page;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.ProfileQueries;
import dev.clientele.core.ProfileSearch;
import dev.clientele.core.TimelineQuery;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.Storage;
import dev.clientele.identity.IdentityResolver;
import dev.clientele.identity.NormalizationCacheStats;
import dev.clientele.identity.ResolvedIdentifiers;
import dev.clientele.identity.IdentityRules;
import dev.clientele.export.ComputedValues;
import dev.clientele.export.ExportRequest;
import dev.clientele.export.ExportSummary;
import dev.clientele.export.PortabilityBundle;
import dev.clientele.segments.ProfileChange;
import dev.clientele.segments.SegmentConfig;
import dev.clientele.segments.SegmentQueries;
import dev.clientele.segments.Segments;
import dev.clientele.export.Preset;
import dev.clientele.export.ProfileExporter;
import dev.clientele.export.ProfileSource;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.stream.Stream;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: unified customer profiles over a storage backend.
 *
 * <pre>{@code
 * try (Clientele clientele = Clientele.inMemory()) {
 *   clientele.ingest(Event.builder("e-1", "login", Instant.parse("2026-10-03T14:05:00Z"))
 *       .identifier(IdentifierType.EMAIL, "Ann@Example.com")
 *       .identifier(IdentifierType.CUSTOMER_ID, "c-77")
 *       .build());
 *   Profile ann = clientele.profile(Identifier.of(IdentifierType.EMAIL, "ann@example.com")).orElseThrow();
 *   MauCount mau = clientele.mau(LocalDate.parse("2026-10-31"));
 * }
 * }</pre>
 *
 * <p>Thread-safe: {@link #ingest} may be called from any number of threads; merges are atomic
 * and no event is lost or applied twice. Reads see every ingest that has returned.
 *
 * <h2>Lifecycle</h2>
 * The instance owns its storage backend, also one the host passed to {@link Builder#storage}:
 * {@link #close} closes it. {@code close} is idempotent (a second call returns at once) and:
 * <ol>
 *   <li>refuses new writes: {@link #ingest}, {@link #ingestAll}, {@link #recordConsent},
 *       {@link #delete}, {@link #merge}, {@link #split}, {@link #tag}, {@link #untag} and
 *       {@code segments().refresh} throw {@code IllegalStateException("clientele is closed")}
 *       from then on, before doing anything;
 *   <li>waits for the writes already in progress to finish (their segment triggers are queued
 *       as usual), for up to {@link SegmentConfig#drainOnClose()} (5 s by default);
 *   <li>delivers the queued segment triggers, again for up to
 *       {@link SegmentConfig#drainOnClose()}; what is still queued then is dropped, counted in
 *       {@link dev.clientele.segments.TriggerStats#dropped()} and logged (see
 *       {@link dev.clientele.segments.SegmentListener} for the delivery guarantees);
 *   <li>closes the storage backend.
 * </ol>
 * Reads are not refused, but after {@code close} they are not supported either: they get
 * whatever the closed backend gives (the in-memory store keeps answering; a database backend
 * throws its {@link dev.clientele.core.spi.StorageException}). A segment listener must not call
 * {@code close} (it would wait for the thread it runs on): that throws
 * {@code IllegalStateException} and leaves the instance open.
 */
public final class Clientele implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Clientele.class);

  /** The default {@link Builder#ingestBatchSize} on a backend other than the in-memory store. */
  public static final int DEFAULT_BATCH_SIZE = 500;

  /**
   * How many events {@link #ingestAll} resolves ahead and announces to the store at once
   * ({@link Storage#readAhead}) with a batch size of 1.
   */
  static final int READ_AHEAD = 32;
  /** After how many read-ahead groups bulk ingestion replaces its group and outcome holder (see {@link #ingestInGroups}). */
  static final int RENEW_GROUPS = 16;

  private final Storage storage;
  private final Clock clock;
  private final ActivityRules activityRules;
  private final RevenueRules revenueRules;
  private final java.util.function.Predicate<? super Event> erasureEvents;
  private final EventTimes eventTimes;
  private final IdentityResolver resolver;
  private final IngestPipeline pipeline;
  private final ProfileQueries queries;
  private final ReachabilityPolicy reachabilityPolicy;
  private final ActivityThresholds activityThresholds;
  private final EngagementThresholds engagementThresholds;
  private final Erasure erasure;
  private final Tally tally = new Tally();
  private final Supplier<ProfileId> profileIds;
  private final int ingestBatchSize;
  private final IdentityOperations identity;
  private final Segments segments;
  private final SegmentQueries segmentQueries;
  /** Keeps this instance's optimistic writers (ingestion, tags, forced merges, splits) from starving one another. */
  private final ContentionGate gate = new ContentionGate();
  /** Set by {@link #close}: writes started afterwards throw. */
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  /** Public writes in progress that started before {@link #close}; it waits for them. */
  private final java.util.concurrent.atomic.AtomicInteger writing = new java.util.concurrent.atomic.AtomicInteger();

  private Clientele(Builder b) {
    this.storage = b.storage != null ? b.storage : new InMemoryStorage();
    this.clock = b.clock != null ? b.clock : Clock.systemUTC();
    this.activityRules = b.activityRules != null ? b.activityRules : ActivityRules.defaults();
    this.revenueRules = b.revenueRules != null ? b.revenueRules : RevenueRules.anyCurrency();
    this.resolver = new IdentityResolver(b.identityRules != null ? b.identityRules : IdentityRules.defaults());
    Supplier<ProfileId> ids = b.profileIds != null ? b.profileIds : ProfileId::random;
    this.profileIds = ids;
    this.ingestBatchSize = b.ingestBatchSize != 0 ? b.ingestBatchSize : storage instanceof InMemoryStorage ? 1 : DEFAULT_BATCH_SIZE;
    ErasurePolicy erasurePolicy = b.erasurePolicy != null ? b.erasurePolicy : ErasurePolicy.defaults();
    if (!(storage instanceof InMemoryStorage) && erasurePolicy.hasRandomSalt()) {
      // Tombstones written under a random salt would not match after a restart: replays of erased
      // people would silently come back.
      throw new IllegalStateException("a persistent storage backend needs an erasure salt that survives restarts: "
          + "set erasurePolicy(ErasurePolicy.builder().salt(...)) from your secret store");
    }
    // Erasures retry as the other single writes do: after ESCALATE_AFTER conflicts, while they wait.
    ContentionGate writes = gate;
    this.erasure = new Erasure(storage, erasurePolicy, activityRules,
        (attempt, gaveUp) -> writes.retry(0, attempt, (n, conflict) -> null, (n, conflict) -> {
          tally.add(Counts.WRITES_GAVE_UP, 1);
          return gaveUp.apply(n, conflict);
        }));
    if (!storage.redactsMergeRecordsInPlace()) {
      LOG.warn("storage backend {} does not declare Storage.redactsMergeRecordsInPlace(): an erasure that must remove"
          + " identifiers from other profiles' merge-log records will be refused", storage.getClass().getName());
    }
    this.erasureEvents = b.erasureEvents != null ? b.erasureEvents : e -> true;
    this.eventTimes = b.eventMaxAge != null ? EventTimes.within(b.eventMaxAge, b.eventMaxAhead, clock) : EventTimes.ANY;
    this.pipeline = new IngestPipeline(storage, resolver, activityRules, revenueRules, ids, tally, tally, erasure, this::erase, erasureEvents, eventTimes, gate);
    this.queries = new ProfileQueries(storage);
    this.identity = new IdentityOperations(storage, resolver, activityRules, revenueRules, clock, gate);
    this.reachabilityPolicy = b.reachabilityPolicy != null ? b.reachabilityPolicy : ReachabilityPolicy.defaults();
    this.activityThresholds = b.activityThresholds != null ? b.activityThresholds : ActivityThresholds.defaults();
    this.engagementThresholds = b.engagementThresholds != null ? b.engagementThresholds : EngagementThresholds.defaults();
    this.segments = Segments.over(storage, b.segments != null ? b.segments : SegmentConfig.none(),
        reachabilityPolicy, activityThresholds, clock);
    this.segmentQueries = new GuardedSegments();
  }

  /** A Clientele on a new in-memory store with every default. */
  public static Clientele inMemory() {
    return builder().build();
  }

  /** A builder; every setting is optional. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Ingests one event: resolve its identifiers to a profile (creating or merging profiles as
   * needed), update the profile, store the event. Idempotent by event id.
   *
   * @throws NullPointerException if {@code event} is null
   * @throws java.util.concurrent.CancellationException (an {@link IllegalStateException}) if the
   *     thread is interrupted while it waits for another write's exclusive retry (see below):
   *     nothing was applied, and the thread's interrupt status is set again
   * @throws dev.clientele.core.spi.StorageException if the backend fails; nothing was applied
   *     or all of it was, and ingesting the same event again is safe. (A commit the backend
   *     applied but reported as failed is recognised, the event being stored, and the event is
   *     reported applied instead.) A {@code gdpr_delete} event
   *     whose identifiers are held by several profiles erases them one after the other, each
   *     atomically: the profiles erased before the failure stay erased (with their segment
   *     history; {@link #stats()} counts them), and ingesting the event again erases the rest
   * @throws UnsupportedOperationException if a {@code gdpr_delete} event must erase a profile
   *     whose erasure needs merge-record redactions the backend does not apply (see {@link
   *     #delete}): that profile is not erased; profiles of the event erased before it stay erased,
   *     as on a backend failure
   * @throws IllegalStateException if the event's profiles kept changing through every retry;
   *     nothing was applied and ingesting the event again is safe. Within one instance a write
   *     that keeps losing races retries while the instance's other single writes ({@code ingest},
   *     {@code tag}, {@code untag}, {@code merge}, {@code split}, and erasures: {@link #delete},
   *     {@code gdpr_delete}) wait, so those cannot cause it; writers that do not wait can: another
   *     node on the same backend, and in this instance the batch commits of {@link #ingestAll};
   *     or if this instance is {@linkplain #close closed} (nothing was applied)
   */
  public IngestResult ingest(Event event) {
    requireNonNull(event, "event");
    beginWrite();
    try {
      return ingestOpen(event, null);
    } finally {
      endWrite();
    }
  }

  /**
   * {@link #ingest} within a write already begun ({@link #beginWrite}); the counts its result
   * does not carry also go to {@code call} (the counts of an {@code ingestAll} call), if not null.
   */
  private IngestResult ingestOpen(Event event, Counts call) {
    IngestResult r = pipeline.ingest(event, call);
    tally.count(r);
    afterCommit(event, r);
    return r;
  }

  /**
   * Begins a public write: counted until {@link #endWrite}, so that {@link #close} can wait for
   * it. The count comes before the check and {@link #close} sets the flag before reading the
   * count, so either this write sees the flag or close sees the write.
   *
   * @throws IllegalStateException if this instance is closed
   */
  private void beginWrite() {
    writing.incrementAndGet();
    if (closed.get()) {
      writing.decrementAndGet();
      throw new IllegalStateException("clientele is closed");
    }
  }

  /** Ends a write begun by {@link #beginWrite}. */
  private void endWrite() {
    writing.decrementAndGet();
  }

  /**
   * The hook after a committed ingestion: incremental segment re-evaluation of the affected
   * profiles (the event's profile; profiles merged away leave their segments). Erased profiles
   * were forgotten by {@link #erase} right after each erasure's commit. Runs on the ingesting
   * thread after the commit; listeners run asynchronously.
   */
  private void afterCommit(Event event, IngestResult r) {
    afterCommit(event, r, true);
  }

  /**
   * {@link #afterCommit(Event, IngestResult)}; {@code alone} says whether the event was
   * committed on its own (not in a batch), so that its commit appended it alone to its
   * profile's timeline ({@link ProfileChange#appendedAlone()}).
   */
  private void afterCommit(Event event, IngestResult r, boolean alone) {
    switch (r.outcome()) {
      case APPLIED -> afterApplied(event, r.profile().orElseThrow(), r.createdProfile(), r.mergedProfiles(), r.otherProfiles(), alone);
      default -> { }
    }
  }

  /** {@link #afterCommit} of an event applied on its own, from the fields of its result. */
  private void afterApplied(Event event, ProfileId profile, boolean created, List<ProfileId> merged, List<ProfileId> others) {
    afterApplied(event, profile, created, merged, others, true);
  }

  /** {@link #afterCommit} of an applied event, from the fields of its result. */
  private void afterApplied(
      Event event, ProfileId profile, boolean created, List<ProfileId> merged, List<ProfileId> others, boolean alone) {
    segments.onCommitted(new ProfileChange(event, profile, created, merged, alone));
    // A consent event's part applied to another profile (a refused link) changes that one too.
    for (int i = 0; i < others.size(); i++) { // by index: no iterator per event
      segments.onCommitted(new ProfileChange(event, others.get(i), false, List.of()));
    }
  }

  /**
   * Ingests events in order and returns the counts for this call: the same profiles, merges and
   * outcomes as {@link #ingest} called for each event in turn.
   *
   * <p>With a batch size of 1 (the default on the in-memory store), the events are applied
   * exactly as by {@link #ingest} in a loop, each counted, its segments re-evaluated and its
   * result handed on right after it is applied; they are taken in groups of up to 32, whose
   * identifiers are normalised first and announced to the store in one
   * {@link Storage#readAhead} call, so the store can overlap the memory reads of the group's
   * events. The iterator is read up to a group ahead of the event being applied: events taken
   * from it before a failure stops the call are neither applied nor handed back (as with a batch
   * size above 1). Prefer it to a loop over {@link #ingest} for bulk loads.
   *
   * <p>With a batch size above 1 ({@link Builder#ingestBatchSize}; by default 500 on a
   * backend other than the in-memory store), the events are resolved in batches against a
   * private overlay of the backend and each batch is written as <em>one</em> commit, which on a
   * database turns one transaction per event into one per batch. The batch's commit carries the
   * expectations of everything it read; if another writer changed any of it meanwhile, the
   * batch is applied again event by event, so the result is the same. A {@code gdpr_delete}
   * event ends the batch before it and is applied on its own. Segments are re-evaluated after
   * each batch's commit, per event in order, on the state after the batch: a profile that enters
   * and leaves a segment within one batch records no transition.
   *
   * @throws NullPointerException if {@code events} or one of them is null; the events before a
   *     null one are applied, as by {@link #ingest} in a loop (likewise when the iterator throws)
   * @throws dev.clientele.core.spi.StorageException if the backend fails: the events of earlier
   *     batches are applied, the failing batch applied wholly or not at all; ingesting the same
   *     events again is safe (ingestion is idempotent by event id). A batch whose commit the
   *     backend applied but reported as failed is recognised and reported as committed
   * @throws UnsupportedOperationException if a {@code gdpr_delete} event cannot be applied on this
   *     backend, as {@link #ingest} says; the events before it are applied
   * @throws IllegalStateException if this instance is closed
   */
  public IngestStats ingestAll(Iterable<Event> events) {
    return ingestAll(events, NO_EACH);
  }

  /**
   * The {@code each} of {@link #ingestAll(Iterable)}: nobody sees the results, so the events
   * applied by {@link #ingestInGroups} are counted without building an {@link IngestResult}.
   */
  private static final Consumer<IngestResult> NO_EACH = r -> { };

  /**
   * {@link #ingestAll(Iterable)}, also handing each event's result to {@code each}, in the
   * order of {@code events}, once the event's batch is committed (so a host can report the
   * rejected ones, say, with their line numbers).
   *
   * <pre>{@code
   * clientele.ingestAll(events, r -> {
   *   if (r.outcome() == IngestResult.Outcome.REJECTED) {
   *     log.warn("event {} rejected: {}", r.eventId(), r.problems());
   *   }
   * });
   * }</pre>
   *
   * @throws NullPointerException if an argument or one of the events is null
   * @throws dev.clientele.core.spi.StorageException as {@link #ingestAll(Iterable)}; results of
   *     the failing batch are not handed on
   * @throws IllegalStateException if this instance is {@linkplain #close closed} when the call
   *     starts (nothing is applied; a close during the call waits for it, see {@link #close})
   */
  public IngestStats ingestAll(Iterable<Event> events, Consumer<? super IngestResult> each) {
    requireNonNull(events, "events");
    requireNonNull(each, "each");
    beginWrite();
    try {
      return ingestAllOpen(events, each);
    } finally {
      endWrite();
    }
  }

  /** {@link #ingestAll(Iterable, Consumer)} within a write already begun ({@link #beginWrite}). */
  private IngestStats ingestAllOpen(Iterable<Event> events, Consumer<? super IngestResult> each) {
    if (ingestBatchSize <= 1) {
      return ingestInGroups(events.iterator(), each);
    }
    Tally batch = new Tally();
    Consumer<IngestResult> done = r -> {
      batch.count(r);
      each.accept(r);
    };
    List<Event> pending = new ArrayList<>(Math.min(ingestBatchSize, 1024));
    java.util.Iterator<Event> it = events.iterator();
    while (true) {
      Event e;
      try {
        if (!it.hasNext()) {
          break;
        }
        e = requireNonNull(it.next(), "events must not contain null");
      } catch (RuntimeException bad) {
        // A null or a failing iterator stops here, as it would stop ingest() in a loop: the
        // events before it are applied and reported, not dropped with the unfinished batch.
        try {
          ingestBatch(pending, done, batch);
        } catch (RuntimeException alsoFailed) {
          bad.addSuppressed(alsoFailed);
        }
        throw bad;
      }
      if (ingestBatchSize <= 1 || e.is("compliance", "gdpr_delete")) {
        ingestBatch(pending, done, batch);
        done.accept(ingestOpen(e, batch));
        continue;
      }
      pending.add(e);
      if (pending.size() >= ingestBatchSize) {
        ingestBatch(pending, done, batch);
      }
    }
    ingestBatch(pending, done, batch);
    return batch.snapshot();
  }

  /**
   * {@link #ingestAll} with a batch size of 1: {@link #ingest} in a loop, taken in groups of up
   * to {@link #READ_AHEAD} events so that the store can overlap the memory reads of a whole
   * group ({@link Storage#readAhead}). Each group's events are resolved first (normalisation
   * reads nothing from the store), the store is told what the group will look up, then the
   * events are applied one by one exactly as {@link #ingest} applies them, each counted,
   * re-evaluated and handed to {@code each} right after it is applied. A {@code gdpr_delete}
   * ends the group before it and is applied on its own; an event whose resolving throws ends
   * the group before it, and after the group it gives what {@link #ingest} would give (a
   * duplicate, or that exception). A failing {@link Storage#readAhead} is ignored (it is a hint).
   * The call returns when the iterator has no next event with nothing taken and unapplied, so a
   * source that {@code each} feeds is drained as by a loop.
   */
  private IngestStats ingestInGroups(java.util.Iterator<Event> it, Consumer<? super IngestResult> each) {
    Tally.Local counts = new Tally.Local(); // this call's counts: only this thread changes them
    Group group = null;
    // Nobody to hand results to: applied events leave their outcome here instead of in a result.
    IngestPipeline.Applied applied = null;
    for (int groups = 0; ; groups++) {
      // A new group and outcome holder every few groups, not one per call: storing a reference
      // into an object the collector has promoted out of the young generation (a call of a
      // million events outlives several collections) costs G1's write barrier a memory fence,
      // and each event stores dozens into these two; in objects made moments ago the barrier is
      // a compare and a branch.
      if (groups % RENEW_GROUPS == 0) {
        group = new Group();
        applied = each == NO_EACH ? new IngestPipeline.Applied() : null;
      }
      Event alone = null; // applied on its own after the group: a gdpr_delete, or an event that failed to resolve
      Throwable unresolved = null; // why `alone` failed to resolve
      Throwable stop = null; // a null element or a failing iterator: thrown after the group
      boolean exhausted = false;
      while (group.size < READ_AHEAD) {
        Event e;
        try {
          if (!it.hasNext()) {
            exhausted = true;
            break;
          }
          e = requireNonNull(it.next(), "events must not contain null");
        } catch (Throwable bad) { // also an Error or a checked exception thrown sneakily: the group is still applied
          stop = bad;
          break;
        }
        if (e.is("compliance", "gdpr_delete")) {
          alone = e;
          break;
        }
        ResolvedIdentifiers r = null; // a reserved id is rejected unresolved
        if (!IngestPipeline.reserved(e)) {
          try {
            r = pipeline.resolve(e);
          } catch (Throwable failed) {
            alone = e;
            unresolved = failed;
            break;
          }
        }
        group.add(e, r);
      }
      int taken = group.size;
      if (stop != null) {
        // A null or a failing iterator stops here, as it would stop ingest() in a loop: the
        // events before it are applied and reported. If one of them fails (or `each` does), a
        // loop would have stopped there, before reaching the iterator's failure.
        try {
          applyGroup(group, counts, each, applied);
        } catch (Throwable earlier) {
          earlier.addSuppressed(stop);
          throw IngestPipeline.sneaky(earlier);
        }
        throw IngestPipeline.sneaky(stop);
      }
      applyGroup(group, counts, each, applied);
      if (alone != null) {
        IngestResult r = unresolved == null ? pipeline.ingest(alone, counts) : pipeline.afterFailedResolve(alone, unresolved);
        counted(alone, r, counts, each);
      } else if (exhausted && taken == 0) {
        // Only an iterator found empty after everything taken was applied: a source that `each`
        // feeds (a queue, say) may have more once the group's results were handed on.
        return counts.snapshot();
      }
    }
  }

  /**
   * The events of one read-ahead group with their resolved identifiers, and the lists handed to
   * {@link Storage#readAhead}; reused from group to group (a new one every {@link #RENEW_GROUPS}
   * groups, see {@link #ingestInGroups}), so most groups allocate nothing.
   */
  private static final class Group {
    final Event[] events = new Event[READ_AHEAD];
    final ResolvedIdentifiers[] resolved = new ResolvedIdentifiers[READ_AHEAD];
    final List<Identifier> identifiers = new ArrayList<>(READ_AHEAD * 4);
    final List<String> eventIds = new ArrayList<>(READ_AHEAD);
    int size;

    void add(Event e, ResolvedIdentifiers r) {
      events[size] = e;
      resolved[size] = r;
      size++;
      eventIds.add(e.id());
      if (r != null) {
        IngestPipeline.addLookup(r, identifiers);
      }
    }

    void clear() {
      java.util.Arrays.fill(events, 0, size, null);
      java.util.Arrays.fill(resolved, 0, size, null);
      size = 0;
      identifiers.clear();
      eventIds.clear();
    }
  }

  /**
   * Tells the store what {@code group} will read, then applies its events one by one as
   * {@link #ingest} does; empties the group, also when an event or {@code each} throws (the
   * events after it are then not applied). With {@code applied} (only when {@code each} is
   * {@link #NO_EACH}), an applied event is counted and re-evaluated from its fields without
   * building its result.
   */
  private void applyGroup(Group group, Tally.Local counts, Consumer<? super IngestResult> each, IngestPipeline.Applied applied) {
    try {
      if (group.size == 0) {
        return;
      }
      try {
        storage.readAhead(group.identifiers, group.eventIds);
      } catch (RuntimeException hintFailed) {
        // Only a hint: the reads that follow go to the backend as they would without it (and
        // report a real failure). The exception's message is not logged: it may quote a value.
        LOG.debug("the store's readAhead failed ({}); applying the group without it", hintFailed.getClass().getName());
      }
      for (int i = 0; i < group.size; i++) {
        Event e = group.events[i];
        ResolvedIdentifiers r = group.resolved[i];
        if (r == null) {
          counted(e, pipeline.ingest(e, counts), counts, each);
        } else if (applied == null) {
          counted(e, pipeline.ingest(e, r, counts), counts, each);
        } else {
          IngestResult result = pipeline.ingest(e, r, applied, counts);
          if (result != null) {
            counted(e, result, counts, each);
          } else { // applied: what counted() does with the result, from its fields (`each` is NO_EACH)
            tally.count(applied);
            afterApplied(e, applied.profile, applied.createdProfile, applied.mergedProfiles, applied.otherProfiles);
            counts.count(applied);
            applied.clear();
          }
        }
      }
    } finally {
      group.clear();
    }
  }

  /** What {@link #ingest} does after the pipeline, plus this call's count and {@code each}. */
  private void counted(Event e, IngestResult r, Tally.Local counts, Consumer<? super IngestResult> each) {
    tally.count(r);
    afterCommit(e, r);
    counts.count(r);
    each.accept(r);
  }

  /**
   * Applies {@code events} (then empties the list) as one staged commit; event by event if that
   * conflicts. The counts the results do not carry go to the instance and to {@code call} (the
   * call's counts), those of the staged attempt only once its commit is applied.
   */
  private void ingestBatch(List<Event> events, Consumer<IngestResult> done, Counts call) {
    if (events.size() <= 1) {
      events.forEach(e -> done.accept(ingestOpen(e, call)));
      events.clear();
      return;
    }
    StagedStorage staged = new StagedStorage(storage);
    List<Identifier> identifiers = new ArrayList<>();
    List<String> eventIds = new ArrayList<>(events.size());
    List<IngestResult> results = new ArrayList<>(events.size());
    List<ResolvedIdentifiers> resolvedEvents = new ArrayList<>(events.size());
    // The staged attempt's counts that its results do not carry: added when its commit is applied,
    // dropped with it otherwise (its events are then counted when applied again, or not at all).
    Tally.Local staging = new Tally.Local();
    int reached = 0; // the event being resolved or applied when something throws
    try {
      for (Event e : events) {
        ResolvedIdentifiers r = resolver.resolve(e);
        resolvedEvents.add(r);
        identifiers.addAll(r.linkable());
        identifiers.addAll(r.malformed());
        eventIds.add(e.id());
        reached++;
      }
      reached = 0;
      staged.prefetch(identifiers, eventIds);
      IngestPipeline overlay = new IngestPipeline(staged, resolver, activityRules, revenueRules, profileIds, tally, staging, erasure, this::erase, erasureEvents, eventTimes, gate);
      for (int i = 0; i < events.size(); i++) {
        // Resolved once, above (normalising again would give the same, at a second cache lookup each).
        results.add(overlay.ingest(events.get(i), resolvedEvents.get(i), null));
        reached++;
      }
      reached = -1; // a failed commit applied nothing: the caller gets its exception as it is
      staged.flush();
    } catch (CommitConflictException | StagedStorage.Stale conflict) {
      // Stale: the overlay noticed the change before the commit (retrying on it cannot help).
      LOG.debug("a batch of {} events met a concurrent change; applying them one by one", events.size());
      tally.add(Counts.RETRIES, 1);
      tally.add(Counts.BATCH_FALLBACKS, 1);
      call.add(Counts.BATCH_FALLBACKS, 1);
      staged.clear();
      events.forEach(e -> done.accept(ingestOpen(e, call)));
      events.clear();
      return;
    } catch (dev.clientele.core.spi.StorageException backendFailed) {
      // The backend failed (a read inside the overlay or the commit): nothing of the batch is
      // applied, as documented; ingesting the same events again is safe. Unless the commit was
      // applied and only its acknowledgement lost: then the batch is reported as committed below
      // (a retry would find only duplicates, and the segments would never hear of the batch).
      staged.clear();
      if (reached >= 0) { // a read failed: no commit was made
        events.clear();
        throw backendFailed;
      }
      if (!committedAfterAll(results, backendFailed)) {
        tally.add(Counts.STORAGE_FAILURES, 1);
        events.clear();
        throw backendFailed;
      }
      tally.add(Counts.COMMITS_RECOVERED, 1);
    } catch (RuntimeException failed) {
      // An event that cannot be applied (a host normaliser that throws, say) stops the batch
      // where ingest() in a loop would stop: the events before it are applied and reported.
      staged.clear();
      if (reached < 0) {
        events.clear();
        throw failed;
      }
      List<Event> before = new ArrayList<>(events.subList(0, reached));
      events.clear();
      try {
        before.forEach(e -> done.accept(ingestOpen(e, call)));
      } catch (RuntimeException alsoFailed) {
        failed.addSuppressed(alsoFailed);
      }
      throw failed;
    }
    tally.addAll(staging);
    call.addAll(staging);
    // Every event of the batch is committed: count it and re-evaluate its segments before any
    // result is handed on, so that a consumer that throws cannot leave committed events uncounted
    // or their segments stale.
    for (int i = 0; i < events.size(); i++) {
      IngestResult r = results.get(i);
      tally.count(r);
      afterCommit(events.get(i), r, false); // one commit for the batch: several events per profile
    }
    try {
      for (IngestResult r : results) {
        done.accept(r);
      }
    } finally {
      events.clear();
    }
  }

  /**
   * After the backend failed to commit a batch with these {@code results}: whether the commit was
   * applied after all (a commit is atomic). One applied event being stored does not show it:
   * another writer (another node, an at-least-once redelivery) may have stored that event id
   * meanwhile. So every applied event of the batch must be stored, and every profile the batch
   * reports must exist (a profile the batch created has an id of its own). When another writer
   * stored all of them on those profiles, the state is the one the batch would have left. A
   * failing read counts as no, with its exception added to {@code failed}.
   *
   * <p>The check errs towards "not applied" (a profile of the batch merged away or erased by
   * another writer before this read): the caller then gets the backend's exception, and
   * ingesting the batch again reports its events as duplicates; nothing is lost, and segments
   * catch up at their next {@code refresh}. It runs only after a backend failure, with one read
   * per profile of the batch.
   */
  private boolean committedAfterAll(List<IngestResult> results, dev.clientele.core.spi.StorageException failed) {
    List<String> applied = new ArrayList<>();
    Set<ProfileId> profiles = new LinkedHashSet<>();
    for (IngestResult r : results) {
      if (r.outcome() == IngestResult.Outcome.APPLIED) {
        applied.add(r.eventId());
        r.profile().ifPresent(profiles::add);
        profiles.removeAll(r.mergedProfiles()); // gone by the batch's own later merges
      }
    }
    if (applied.isEmpty()) {
      return false;
    }
    try {
      if (!storage.containedEvents(applied).containsAll(applied)) {
        return false;
      }
      for (ProfileId p : profiles) {
        if (storage.profile(p).isEmpty()) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException alsoFailed) {
      failed.addSuppressed(alsoFailed);
      return false;
    }
  }

  /**
   * Counts since this instance was built. Thread-safe; taken while other threads ingest, the
   * counts are read one after the other, so they need not add up until ingestion pauses.
   */
  public IngestStats stats() {
    return tally.snapshot();
  }

  /**
   * Figures of this instance's identifier normalisation cache (hits, misses, evictions, entries,
   * estimated bytes; see {@link IdentityRules#cacheSize}); {@link NormalizationCacheStats#NONE}
   * when the cache is off. Thread-safe.
   */
  public NormalizationCacheStats normalizationCacheStats() {
    return resolver.cacheStats();
  }

  /** The profile with this id. */
  public Optional<Profile> profile(ProfileId id) {
    return storage.profile(requireNonNull(id, "id"));
  }

  /**
   * The profile holding {@code identifier}, which is normalised first (so case and format variants
   * find it). The answer is one whole state: a profile that lists the identifier, or empty if no
   * profile holds it; never a profile a concurrent merge or split has just taken it from.
   *
   * @throws IllegalStateException if the identifier kept moving between profiles through every
   *     retry of the lookup (100 reads of its owner, then of the owner's profile), under constant
   *     merges and splits of it; or, on
   *     any backend, when the index and the profiles disagree for good (the identifier's owner is a
   *     profile that does not list it: a defect of the backend or of its data), where this method
   *     returned that profile before
   */
  public Optional<Profile> profile(Identifier identifier) {
    Identifier i = resolver.normalize(requireNonNull(identifier, "identifier")).identifier();
    List<Identifier> lookup = List.of(i);
    for (int attempt = 1; ; attempt++) {
      // owners, not ownedProfiles: the in-memory store keeps an ownedProfiles read in the thread for
      // the commit that follows it in ingestion, and none follows a lookup: the thread would keep
      // the value after the person's erasure by another thread.
      ProfileId owner = storage.owners(lookup).get(i);
      if (owner == null) {
        // Normalising cached the value: nobody holds it, and it may be an erased person's.
        resolver.forgetSpellings(List.of(identifier));
        return Optional.empty();
      }
      Optional<Profile> p = storage.profile(owner);
      if (p.isPresent() && p.get().identifier(i).isPresent()) {
        return p;
      }
      // The owner was read before a commit moved the identifier (a merge deleted the owner, a split
      // took the identifier from it) and its profile after: read both again.
      if (attempt >= IngestPipeline.MAX_ATTEMPTS) {
        throw new IllegalStateException("identifier " + i + " kept moving between profiles");
      }
      Thread.yield();
    }
  }

  /** Searches profiles; see {@link ProfileSearch}. */
  public Page<Profile> search(ProfileSearch search) {
    return queries.search(search);
  }

  /**
   * A profile's events that pass {@code query}: an unmodifiable list, in timeline order (or
   * newest first if the query says so). The store reads what the query needs where it can
   * ({@link dev.clientele.core.spi.EventStore#events(java.util.Collection, TimelineQuery)}): on
   * {@code JdbcStorage}, a limited query without a type filter reads about that many rows,
   * however long the timeline.
   *
   * <pre>{@code
   * List<Event> recent = clientele.timeline(id, TimelineQuery.all().newestFirst(20));
   * }</pre>
   *
   * @throws java.util.NoSuchElementException if there is no such profile
   */
  public List<Event> timeline(ProfileId id, TimelineQuery query) {
    return queries.timeline(id, query);
  }

  /** The attribute names of a field view: an unmodifiable set, iterated in name order. */
  public SortedSet<String> fields(FieldView view) {
    return queries.fields(view);
  }

  /** Activity status counts (very active, active, occasional, sleeper) as of the end of {@code day} (UTC). */
  public ActivityStatusCounts activityStatus(LocalDate day) {
    return new ActivityStatuses(storage, activityThresholds).count(day);
  }

  /**
   * The activity status of one profile (very active, active, occasional, sleeper) as of the end
   * of {@code day} (UTC), from the logins of its identifiers under the builder's
   * {@link Builder#activityThresholds activity thresholds}: what {@link #activityStatusValues}
   * exports for it, reading only its own events.
   *
   * <pre>{@code
   * if (clientele.activityStatus(id, LocalDate.parse("2026-10-31")) == ActivityStatus.SLEEPER) { ... }
   * }</pre>
   *
   * @throws java.util.NoSuchElementException if there is no such profile
   */
  public dev.clientele.analytics.ActivityStatus activityStatus(ProfileId id, LocalDate day) {
    return new ActivityStatuses(storage, activityThresholds).of(id, day);
  }

  /**
   * The engagement level of one profile (high, medium, low) as of the end of {@code day} (UTC),
   * from the recency and frequency of its active events under the builder's
   * {@link Builder#engagementThresholds engagement thresholds}.
   *
   * <pre>{@code
   * Engagement e = clientele.engagement(id, LocalDate.parse("2026-10-31"));
   * if (e.level() == EngagementLevel.LOW) { ... }
   * }</pre>
   *
   * @throws java.util.NoSuchElementException if there is no such profile
   */
  public Engagement engagement(ProfileId id, LocalDate day) {
    requireNonNull(id, "id");
    requireNonNull(day, "day");
    return new EngagementLevels(storage, activityRules, engagementThresholds).of(id, day);
  }

  /**
   * How many profiles (created by the end of {@code day}) are at each engagement level as of the
   * end of {@code day} (UTC); every level is present. The map is unmodifiable.
   */
  public java.util.Map<EngagementLevel, Long> engagementCounts(LocalDate day) {
    return new EngagementLevels(storage, activityRules, engagementThresholds).count(day);
  }

  /**
   * Engagement level for exports: the value {@link ComputedValues#ENGAGEMENT} ({@code high},
   * {@code medium}, {@code low}) as of the end of {@code day} (UTC). Reads the events once, now.
   *
   * <pre>{@code
   * clientele.exportProfiles(ExportRequest.builder()
   *     .computed(clientele.clvValues(scorer, PeriodUnit.DAY, today).and(clientele.engagementValues(today)))
   *     .build(), out);
   * }</pre>
   */
  public ComputedValues engagementValues(LocalDate day) {
    requireNonNull(day, "day");
    java.util.function.Function<ProfileId, Engagement> levels =
        new EngagementLevels(storage, activityRules, engagementThresholds).levelsAsOf(day);
    return ComputedValues.of(java.util.List.of(ComputedValues.ENGAGEMENT),
        p -> java.util.Map.of(ComputedValues.ENGAGEMENT, levels.apply(p.id()).level().key()));
  }

  /** Monthly active users as of the end of {@code day} (UTC). */
  public MauCount mau(LocalDate day) {
    return new ActiveUsers(storage, activityRules).mau(day);
  }

  /**
   * Trended MAU: the month-to-date count of every day from {@code from} through {@code to}
   * (UTC), from one index of the current state.
   *
   * @throws IllegalArgumentException if {@code to} is before {@code from}
   */
  public java.util.List<MauCount> mauTrend(LocalDate from, LocalDate to) {
    return new ActiveUsers(storage, activityRules).trend(from, to);
  }

  /**
   * Monthly MAU history: the MAU of the last day of each month from {@code from} through {@code to}.
   *
   * @throws IllegalArgumentException if {@code to} is before {@code from}
   */
  public java.util.List<MauCount> mauHistory(java.time.YearMonth from, java.time.YearMonth to) {
    return new ActiveUsers(storage, activityRules).monthly(from, to);
  }

  /**
   * A columnar index of the current activity, for many exact MAU questions of one state (see
   * {@link ActivityIndex}); build a new one after further ingestion or merges.
   */
  public ActivityIndex activityIndex() {
    return new ActiveUsers(storage, activityRules).index();
  }

  /**
   * MAU estimated from per-day HyperLogLog sketches with {@code lgK} (see {@link MauSketches}
   * for the stated error); exact {@link #mau(LocalDate)} is the default.
   */
  public MauEstimate mauEstimate(LocalDate day, int lgK) {
    java.util.Objects.requireNonNull(day, "day");
    return MauSketches.of(activityIndex(), lgK).estimate(day);
  }

  /**
   * Profiles over time, recomputed from history: per day from {@code from} through {@code to},
   * total profiles and reachable ones per channel and on any channel, under the reachability
   * policy as of each day.
   *
   * @throws IllegalArgumentException if {@code to} is before {@code from}
   */
  public java.util.List<DailyProfileCounts> profilesOverTime(LocalDate from, LocalDate to) {
    return new ProfilesOverTime(storage, reachabilityPolicy, activityRules).history(from, to);
  }

  /**
   * Records today's profile counts (evaluated now) under {@code day} in {@code store}: the daily
   * job a host schedules; returns what was stored.
   */
  public DailyProfileCounts recordProfileCounts(LocalDate day, ProfileCountStore store) {
    return new ProfilesOverTime(storage, reachabilityPolicy, activityRules).record(day, store);
  }

  /**
   * A profile's metric snapshot as of the end of {@code day}: count and value per event
   * type/action in the last 30 days and all time, and its order summary.
   *
   * @throws java.util.NoSuchElementException if there is no such profile
   */
  public MetricSnapshot metricSnapshot(ProfileId id, LocalDate day) {
    requireNonNull(id, "id");
    requireNonNull(day, "day");
    return new MetricSnapshots(storage, MetricSnapshots.DEFAULT_VALUE_KEY, revenueRules).snapshot(id, day);
  }

  /**
   * A profile's series of one metric by day, week or month over {@code from} through {@code to}.
   *
   * @throws java.util.NoSuchElementException if there is no such profile
   */
  public java.util.List<MetricPoint> metricSeries(
      ProfileId id, MetricKey metric, LocalDate from, LocalDate to, Granularity granularity) {
    requireNonNull(id, "id");
    return new MetricSnapshots(storage, MetricSnapshots.DEFAULT_VALUE_KEY, revenueRules).series(id, metric, from, to, granularity);
  }

  /**
   * A profile's {@code n} top interest categories as of the end of {@code day}, under
   * {@code rules} (e.g. {@link AffinityRules#defaults()}).
   *
   * @throws java.util.NoSuchElementException if there is no such profile
   */
  public java.util.List<CategoryScore> affinities(ProfileId id, LocalDate day, int n, AffinityRules rules) {
    requireNonNull(id, "id");
    requireNonNull(day, "day");
    return new Affinities(storage, rules).top(id, day, n);
  }

  /**
   * Whether a profile can be messaged on each channel, with the reasons, under the
   * reachability policy.
   *
   * @throws java.util.NoSuchElementException if there is no such profile
   */
  public Reachability reachability(ProfileId id) {
    requireNonNull(id, "id");
    Profile p = storage.profile(id).orElseThrow(() -> new java.util.NoSuchElementException("no profile with id " + id));
    return new ReachabilityEvaluator(reachabilityPolicy).evaluate(p);
  }

  /** Total, reachable and unreachable profiles per channel, and reachable on any channel. */
  public AudienceCounts audience() {
    return new Audience(storage, reachabilityPolicy).count();
  }

  /**
   * Passes every profile that may be synced to an external mailing list for {@code channel}
   * (those reachable there under the policy) to {@code action}; returns how many.
   */
  public long forEachSyncable(Channel channel, Consumer<Profile> action) {
    return new Audience(storage, reachabilityPolicy).forEachSyncable(channel, action);
  }

  /**
   * Passes every profile that may be synced to the external mailing list {@code list} on
   * {@code channel} to {@code action}: reachable there under the policy and subscribed to
   * {@code list} (see {@link Audience#forEachSyncable(Channel, String, Consumer)}); returns how
   * many.
   */
  public long forEachSyncable(Channel channel, String list, Consumer<Profile> action) {
    return new Audience(storage, reachabilityPolicy).forEachSyncable(channel, list, action);
  }

  /** The number of profiles. */
  public long profileCount() {
    return storage.profileCount();
  }

  /** The reachability policy in use. */
  public ReachabilityPolicy reachabilityPolicy() {
    return reachabilityPolicy;
  }

  /**
   * Erases a profile (the right to be forgotten): the profile, its identifiers and index
   * entries, every event anchored at them, the normalisation cache entries of its values, and
   * the segment membership history of it and of the profiles merged into it, irreversibly
   * (listeners hear it leave its current segments). The merge-log records naming it or a profile
   * merged into it are erased; every other record that holds one of its identifiers loses them in
   * place, so {@link #mergeLog} and {@link #explain} keep the other profiles' history in order.
   * After a split, an event stored on the erased profile's side can carry another person's
   * identifiers too (it linked the two before the split). It is the erased person's, so it is
   * erased with them, with its data (attributes, device, order total), its sighting and its count:
   * nothing of it reaches another profile. Only an event whose consent or deliverability change
   * the split carried over to the other person (a consent or reachability event, a CCPA opt-out,
   * a list unsubscribe) is kept for them: on their timeline, without the erased identifiers and
   * without any data but the {@code channel} and {@code list} those changes read (and the consent
   * {@code method} the ledger lists); their stored
   * profile had its change already, and its sighting and count are applied, and their segments
   * are evaluated again. (A CCPA opt-in or list subscribe was never carried over, since it is not
   * known whose it was, and is erased.) An identifier of theirs that only such an erased event had
   * attached is named by {@link #explain} without an event. A split record naming the erased
   * profile is replaced by one between the people of that split who remain, without the
   * operator's note or the undone merge, so that what the split carried over between them stays
   * in their {@link #consentHistory} and {@link #profilesOverTime}; it keeps the split's time (so
   * {@link #explain} still tells when they were split) and its id is in the report ({@link
   * ErasureReport#keptSplitRecords}).
   * Leaves a salted-hash tombstone per
   * identifier so that, under the default {@link ErasurePolicy.Replay#BLOCK}, a replay of the
   * person's old events is rejected. A {@code compliance}/{@code gdpr_delete} event does the same.
   * The person's values handed in again afterwards are not kept in memory either, once the call
   * that carries them has processed them: not by a replay that is rejected, a {@link
   * #profile(Identifier) lookup} that finds nobody, or a second {@code gdpr_delete} for them,
   * accepted or refused (the normalisation cache drops them, and so does the in-memory store's
   * per-thread memory of its last read). An {@link #ingestAll} that stops early (an exception)
   * has normalised, and may have cached, events it did not get to.
   *
   * <p>Removing identifiers from other profiles' merge-log records in place needs a backend that
   * applies {@linkplain dev.clientele.core.spi.Commit#mergeRecordRedactions() merge-record
   * redactions} ({@link dev.clientele.core.spi.Storage#redactsMergeRecordsInPlace()}); the built-in
   * ones do. An erasure reads the whole merge log (a record per merge and split ever logged), so
   * its cost grows with the log; a retry reads the whole log again only if the profile's
   * identifiers or the profiles merged into it changed meanwhile. It retries as {@link #tag} does
   * while the profiles it changes are changed by other writers (also those of the other sides of
   * a split, whose profiles an erasure writes too): after 8 conflicts in a row it retries while
   * this instance's other single writes wait, up to 100 attempts in all.
   *
   * @return what was erased (counts, no personal data)
   * @throws java.util.NoSuchElementException if there is no such profile
   * @throws dev.clientele.core.spi.StorageException if the backend fails: either nothing was
   *     erased (call again) or the profile was erased with its segment history and only the
   *     report is lost
   * @throws UnsupportedOperationException if the erasure must redact other profiles' merge-log
   *     records and the backend does not apply redactions: nothing was erased
   * @throws IllegalStateException if the profile kept changing during the erasure (nothing was
   *     erased; as for {@link #ingest}, which says which writers can cause it), or if the backend
   *     claims to apply redactions but left an erased identifier in a merge-log record after
   *     committing the erasure, or if this instance is {@linkplain #close closed} (nothing was erased)
   */
  public ErasureReport delete(ProfileId id) {
    requireNonNull(id, "id");
    beginWrite();
    try {
      ErasureReport report = erase(id);
      tally.add(Counts.PROFILES_ERASED, 1);
      return report;
    } finally {
      endWrite();
    }
  }

  /**
   * Erases without counting: the pipeline counts erasures by {@code gdpr_delete} through its
   * results. The segment membership history of the erased profile goes right after the erasure's
   * commit, before anything else is read (listeners hear it leave its current segments): once the
   * profile is gone, no retry could find it to erase that history, so a backend failure after the
   * commit must not skip it. The history of the profiles merged into the erased one (kept under
   * their old ids since they left their segments at the merge) is the same person's and is erased
   * too. After a split, erasure can change other people's timelines (it keeps for them, without
   * the erased values, events stored under the erased identifiers): their segments are evaluated
   * again here.
   */
  private ErasureReport erase(ProfileId id) {
    ErasureReport report = erasure.erase(id, erased -> {
      resolver.forget(erased);
      segments.onErased(id);
    }).withCacheCleared("identifier normalisation");
    for (ProfileId absorbed : report.mergedFrom()) {
      boolean restored;
      try {
        restored = storage.profile(absorbed).isPresent(); // never a profile a split brought back
      } catch (dev.clientele.core.spi.StorageException unknown) {
        // A split takes the profiles it restores out of mergedFrom, so this id is gone: its
        // history is the erased person's, and leaving it behind would outlive the erasure.
        restored = false;
      }
      if (!restored) {
        segments.onErased(absorbed);
      }
    }
    if (!report.otherProfilesChanged().isEmpty()) {
      segments.onReshaped(report.otherProfilesChanged(), List.of());
    }
    segments.awaitTriggerSpace(); // onErased does not wait: it may run under the erasure's retry
    return report;
  }

  /**
   * Writes all personal data of a profile (identifiers, attributes with provenance, lists,
   * consent history, every event) as one JSON document to {@code out}, which is not closed.
   * See {@link PortabilityBundle} for the format. The consent history is {@link #consentHistory}
   * (also what a split carried over from the other side), and the events list only the
   * identifiers the profile holds: after a split, an event that linked both sides stays on one
   * side's timeline, and the other side's identifiers in it are not this person's.
   *
   * @throws java.util.NoSuchElementException if there is no such profile
   * @throws java.io.UncheckedIOException if writing fails
   */
  public void exportPersonalData(ProfileId id, OutputStream out) {
    requireNonNull(id, "id");
    requireNonNull(out, "out");
    Profile p = storage.profile(id).orElseThrow(() -> new java.util.NoSuchElementException("no profile with id " + id));
    PortabilityBundle.write(p, queries.timeline(id, TimelineQuery.all()), consentHistory(p), clock.instant(), out);
  }

  /**
   * Writes a profile table (CSV or JSON, streamed row by row) as {@code request} says, with
   * reachability filled in: the request's computed values are preceded by
   * {@link #reachabilityValues()}, so {@code reachable_email}, {@code reachable_sms} and
   * {@code reachable_push} columns appear in {@link Preset#ALL_CUSTOMER_INFO} and
   * {@link ExportRequest.Builder#reachableOn} works without more set-up. Profiles come from the
   * request's source, or every profile of the store (in id order, page by page) when it has none.
   * {@code out} is not closed.
   *
   * <pre>{@code
   * // a mailing-list sync: the email of every customer reachable by email
   * clientele.exportProfiles(ExportRequest.builder().preset(Preset.EMAIL_ONLY).reachableOn(Channel.EMAIL).build(), out);
   * // everything, with activity status as of today and a search as the source
   * clientele.exportProfiles(ExportRequest.builder()
   *     .computed(clientele.activityStatusValues(today))
   *     .source(ProfileSource.search(new ProfileQueries(clientele.storage()), ProfileSearch.all().withText("ann")))
   *     .format(ExportFormat.JSON_LINES).build(), out);
   * }</pre>
   *
   * @return profiles read, rows written, and profiles skipped by reason
   * @throws java.io.UncheckedIOException if writing fails
   * @see ProfileExporter
   */
  public ExportSummary exportProfiles(ExportRequest request, OutputStream out) {
    requireNonNull(request, "request");
    requireNonNull(out, "out");
    ProfileSource source = request.source().orElseGet(() -> ProfileSource.all(storage));
    return ProfileExporter.write(request.withComputedFirst(reachabilityValues()), source, out);
  }

  /**
   * Reachability per channel for exports, under the reachability policy: a Boolean value
   * {@link ComputedValues#reachableName(Channel) reachable_CHANNEL} for every channel.
   */
  public ComputedValues reachabilityValues() {
    ReachabilityEvaluator evaluator = new ReachabilityEvaluator(reachabilityPolicy);
    Channel[] channels = Channel.values();
    java.util.List<String> names = java.util.Arrays.stream(channels).map(ComputedValues::reachableName).toList();
    return ComputedValues.of(names, p -> {
      java.util.Map<String, Object> values = new java.util.HashMap<>(channels.length * 2);
      for (int i = 0; i < channels.length; i++) {
        values.put(names.get(i), evaluator.isReachable(p, channels[i]));
      }
      return values;
    });
  }

  /**
   * Activity status for exports: the value {@link ComputedValues#ACTIVITY_STATUS}
   * ({@code very_active}, {@code active}, {@code occasional}, {@code sleeper}) as of the end of
   * {@code day} (UTC). Reads the login events once, now; holds login counts of the profiles
   * that logged in during the sleeper window.
   */
  public ComputedValues activityStatusValues(LocalDate day) {
    requireNonNull(day, "day");
    java.util.function.Function<ProfileId, dev.clientele.analytics.ActivityStatus> status =
        new ActivityStatuses(storage, activityThresholds).statusesAsOf(day);
    return ComputedValues.of(java.util.List.of(ComputedValues.ACTIVITY_STATUS),
        p -> java.util.Map.of(ComputedValues.ACTIVITY_STATUS, status.apply(p.id()).key()));
  }

  /**
   * CLV figures for exports from fitted models: {@link ComputedValues#PREDICTED_CLV} and
   * {@link ComputedValues#TOTAL_CLV} (revenue up to the end of {@code calibrationEnd} plus
   * predicted, as {@link CustomerValue#totalClv()}; both with 2 decimals),
   * {@link ComputedValues#CHURN_RISK} ({@code low|medium|high}) and
   * {@link ComputedValues#PROBABILITY_ALIVE}, for every profile with an order on or before
   * {@code calibrationEnd}; profiles without one get no figures (empty cells), and profiles whose
   * expected spend is infinite under the spend model ({@code NaN} in {@link CustomerValue}), or
   * whom the purchase model cannot score ({@link CustomerValue#scorable()} false), get no money
   * figures; neither fails the export. Reads the stored
   * orders once now ({@link RfmSummaries#ordersOf}) and keeps one summary per customer with
   * orders.
   *
   * <pre>{@code
   * ClvScorer scorer = new ClvScorer(bgnbdFit.model(), Optional.of(spendFit.model()), ClvScorer.Options.defaults(PeriodUnit.DAY));
   * clientele.exportProfiles(ExportRequest.builder().computed(clientele.clvValues(scorer, PeriodUnit.DAY, today)).build(), out);
   * }</pre>
   *
   * @param scorer the fitted models
   * @param timeUnit the unit the models were fitted in: the scorer's {@code options().timeUnit()}
   * @param calibrationEnd the last day of order history to summarise
   * @throws IllegalArgumentException if {@code timeUnit} is not the scorer's (summaries in one unit
   *     scored in another would give wrong figures)
   */
  public ComputedValues clvValues(ClvScorer scorer, PeriodUnit timeUnit, LocalDate calibrationEnd) {
    requireNonNull(scorer, "scorer");
    requireNonNull(timeUnit, "timeUnit");
    requireNonNull(calibrationEnd, "calibrationEnd");
    com.google.common.base.Preconditions.checkArgument(scorer.options().timeUnit() == timeUnit,
        "timeUnit must be the unit the scorer's models were fitted in (its options' timeUnit): %s != %s",
        timeUnit, scorer.options().timeUnit());
    java.util.Map<String, RfmSummary> summaries = new java.util.HashMap<>();
    for (RfmSummary s : RfmSummaries.fromTransactions(RfmSummaries.ordersOf(storage, revenueRules), calibrationEnd, timeUnit)) {
      summaries.put(s.customerId(), s);
    }
    return ComputedValues.of(
        java.util.List.of(ComputedValues.PREDICTED_CLV, ComputedValues.TOTAL_CLV, ComputedValues.CHURN_RISK,
            ComputedValues.PROBABILITY_ALIVE),
        p -> {
          RfmSummary s = summaries.get(p.id().value());
          if (s == null) {
            return java.util.Map.of();
          }
          CustomerValue v = scorer.score(s);
          java.util.Map<String, Object> figures = new java.util.HashMap<>();
          if (!Double.isNaN(v.probabilityAlive())) { // NaN: the model could not score P(alive); no churn figure either
            figures.put(ComputedValues.CHURN_RISK, v.churnBand().name().toLowerCase(java.util.Locale.ROOT));
            figures.put(ComputedValues.PROBABILITY_ALIVE, v.probabilityAlive());
          }
          if (!Double.isNaN(v.predictedClv())) { // NaN: infinite expected spend for this customer, no money cells
            java.math.BigDecimal predicted = java.math.BigDecimal.valueOf(v.predictedClv()).setScale(2, java.math.RoundingMode.HALF_EVEN);
            figures.put(ComputedValues.PREDICTED_CLV, predicted);
            // Historic = orders up to the calibration end, where the prediction starts (a later
            // order is in the predicted days): the exact revenue when every order is by then.
            boolean allOrdersByEnd = p.orders().lastOrder()
                .map(t -> !LocalDate.ofInstant(t, java.time.ZoneOffset.UTC).isAfter(calibrationEnd)).orElse(true);
            java.math.BigDecimal historic = allOrdersByEnd ? p.orders().revenue()
                : java.math.BigDecimal.valueOf(s.historicValue().orElse(0));
            figures.put(ComputedValues.TOTAL_CLV, historic.add(predicted).setScale(2, java.math.RoundingMode.HALF_EVEN));
          }
          return figures;
        });
  }

  /**
   * Records a consent change made outside an event stream (a preference centre, a support
   * call) by ingesting a {@code consent} event, so it joins the same ledger as every other
   * change and resolves like one.
   *
   * @param identifier the messaging identifier (email, phone or push token)
   * @param consent the new value ({@link Consent#UNKNOWN} resets it)
   * @param at when the person gave or withdrew consent
   * @param source where the change came from, e.g. {@code preference-centre}
   * @param method how consent was collected, e.g. {@code double_opt_in}; may be empty
   * @throws IllegalArgumentException if {@code identifier} is not a messaging identifier
   * @throws dev.clientele.core.spi.StorageException if the backend fails: the change was recorded
   *     or not. Each call makes a new event id, so calling again after a failure that came after
   *     the commit records the same change a second time (same time, source and method; the
   *     consent it leaves is the same). To retry exactly once, ingest a {@code consent} event
   *     with an id of your own instead
   */
  public IngestResult recordConsent(Identifier identifier, Consent consent, Instant at, String source, String method) {
    requireNonNull(identifier, "identifier");
    requireNonNull(consent, "consent");
    requireNonNull(at, "at");
    requireNonNull(source, "source");
    requireNonNull(method, "method");
    com.google.common.base.Preconditions.checkArgument(identifier.type().isMessaging(),
        "consent applies to messaging identifiers (email, phone, push_token): %s", identifier.type());
    Event.Builder e = Event.builder("consent-" + java.util.UUID.randomUUID(), "consent", at)
        .action(switch (consent) {
          case OPT_IN -> "opt_in";
          case OPT_OUT -> "opt_out";
          case UNKNOWN -> "reset";
        })
        .identifier(identifier)
        .source(source);
    if (!method.isBlank()) {
      e.data("method", method);
    }
    return ingest(e.build());
  }

  /**
   * Every consent change of a profile's identifiers, oldest first: the consent ledger. Only
   * identifiers the profile holds are listed: after a split, an event that named identifiers of
   * both sides stays on one side's timeline, and its changes of the other side's identifiers
   * are not that side's. They are in the other side's ledger all the same (at the event's time,
   * with its id), since the split kept them for that side too: a split loses no consent change.
   * An unmodifiable list.
   *
   * @throws java.util.NoSuchElementException if there is no such profile
   */
  public List<ConsentChange> consentHistory(ProfileId id) {
    List<Event> events = timeline(id, TimelineQuery.all().withTypes(java.util.Set.of("consent")));
    java.util.Set<Identifier> held = new java.util.HashSet<>();
    storage.profile(id).ifPresent(p -> p.identifiers().forEach(s -> held.add(s.identifier())));
    return consentHistory(events, held);
  }

  /**
   * {@link #consentHistory(ProfileId)} of {@code p} as read (the portability bundle writes it
   * with that profile's identifiers, so both must be of one read).
   */
  private List<ConsentChange> consentHistory(Profile p) {
    List<Event> events = timeline(p.id(), TimelineQuery.all().withTypes(java.util.Set.of("consent")));
    java.util.Set<Identifier> held = new java.util.HashSet<>();
    p.identifiers().forEach(s -> held.add(s.identifier()));
    return consentHistory(events, held);
  }

  /** The ledger of a profile holding {@code held} whose consent events are {@code events}. */
  private List<ConsentChange> consentHistory(List<Event> events, java.util.Set<Identifier> held) {
    List<dev.clientele.consent.internal.SplitCarryOver.Carried> carried =
        dev.clientele.consent.internal.SplitCarryOver.find(storage, held);
    if (!carried.isEmpty()) {
      // The consent events a split carried over from the other sides (with this side's
      // identifiers only), in timeline order with the profile's own: the ledger reads them so.
      List<Event> merged = new ArrayList<>(events);
      carried.stream().filter(ch -> ch.event().type().equals("consent")).forEach(ch -> merged.add(ch.asSeenHere()));
      merged.sort(java.util.Comparator.comparing(Event::timestamp).thenComparing(Event::id));
      events = ImmutableList.copyOf(merged);
    }
    List<ConsentChange> all = ConsentLedger.of(events);
    return all.stream().allMatch(ch -> held.contains(ch.identifier()))
        ? all
        : all.stream().filter(ch -> held.contains(ch.identifier())).collect(ImmutableList.toImmutableList());
  }

  /**
   * Why this profile's identifiers are one person: the events that attached them, the merges
   * (automatic, with the event and rule; forced, with the operator's reason) reaching back
   * through the profiles merged into it, and any splits. Identifier values are masked in
   * {@code toString}. Every identifier the profile holds is named, also after the erasure of
   * another side of a split erased the split record (it names the erased profile): the event
   * that attached such an identifier is then looked for among all stored events, which costs a
   * scan of the event store.
   *
   * <pre>{@code
   * clientele.explain(id).links().forEach(l -> System.out.println(l.kind() + " " + l.at() + ": " + l.rule()));
   * }</pre>
   *
   * @throws java.util.NoSuchElementException if there is no such profile
   */
  public dev.clientele.identity.Explanation explain(ProfileId id) {
    requireNonNull(id, "id");
    return identity.explain(id);
  }

  /**
   * The merge-log records naming this profile (merges into it, its own absorption, splits), in
   * the order they were committed; empty for an unknown id. The {@link MergeRecord#id()} of a
   * merge is what {@link #split(String, String)} takes. An unmodifiable list.
   */
  public List<MergeRecord> mergeLog(ProfileId id) {
    requireNonNull(id, "id");
    return ImmutableList.copyOf(storage.mergeRecords(id));
  }

  /**
   * Merges two profiles on an operator's word, overriding the identity rules (unique types,
   * limits, caps, earlier splits). Survivorship is the same as for automatic merges; the merge
   * log records it as {@link MergeRecord.Kind#FORCED_MERGE} with {@code reason}.
   *
   * @param a one profile
   * @param b the other profile
   * @param reason why, in words, without personal data (it is kept in the merge log)
   * @return the merged profile
   * @throws java.util.NoSuchElementException if either profile does not exist
   * @throws IllegalArgumentException if {@code a} equals {@code b}, or the reason is blank, longer
   *     than 1 000 characters or holds a NUL or an unpaired surrogate
   * @throws IllegalStateException if the profiles kept changing through every retry (as for
   *     {@link #ingest}, which says which writers can cause it), or if this instance is
   *     {@linkplain #close closed}; nothing was applied
   * @throws dev.clientele.core.spi.StorageException if the backend fails and the merge was not
   *     applied (a commit applied but reported as failed is recognised by its merge-log record,
   *     and the merge completes)
   */
  public Profile merge(ProfileId a, ProfileId b, String reason) {
    beginWrite();
    try {
      Profile merged = identity.forceMerge(a, b, reason);
      segments.onReshaped(List.of(merged.id()), List.of(merged.id().equals(a) ? b : a));
      return merged;
    } finally {
      endWrite();
    }
  }

  /**
   * Undoes a wrong merge: the profiles the merge absorbed come back under their old ids with the
   * identifiers they brought (those the merged profile still holds), and both sides are rebuilt
   * from the events of their identifiers, so each keeps its own history, attributes, consent and
   * orders. An event that named identifiers of both sides stays on one side's timeline; its
   * consent and deliverability changes of the other side's identifiers, and a CCPA opt-out or
   * list unsubscribe in it, still apply to that side (in its consent ledger and profiles over
   * time too), but it is no sighting there. Tags set through {@link #tag} stay with the profile
   * that kept its id. Later events do not merge the sides again automatically (refused as
   * {@code separated}); only {@link #merge(ProfileId, ProfileId, String)} does.
   *
   * <pre>{@code
   * MergeRecord wrong = clientele.mergeLog(profileId).get(0);
   * SplitResult r = clientele.split(wrong.id(), "shared family tablet");
   * }</pre>
   *
   * @param mergeRecord the id of a {@link MergeRecord.Kind#MERGE} or {@link MergeRecord.Kind#FORCED_MERGE} record
   * @param reason why, in words, without personal data (it is kept in the merge log)
   * @throws java.util.NoSuchElementException if there is no such record
   * @throws IllegalArgumentException if the record is a split, or the reason is blank, longer than
   *     1 000 characters or holds a NUL or an unpaired surrogate
   * @throws IllegalStateException if the merge cannot be undone any more: its identifiers were
   *     erased or now belong to different profiles, or an absorbed profile's id is in use, or a
   *     split undid it already (its profiles were merged again since: split that later merge); or
   *     if the profile kept changing through every retry (as for {@link #ingest}); or if this
   *     instance is {@linkplain #close closed}
   * @throws dev.clientele.core.spi.StorageException if the backend fails and the split was not
   *     applied (a commit applied but reported as failed is recognised by its merge-log record,
   *     and the split completes)
   */
  public SplitResult split(String mergeRecord, String reason) {
    beginWrite();
    try {
      SplitResult r = identity.split(mergeRecord, reason);
      List<ProfileId> changed = new java.util.ArrayList<>();
      changed.add(r.kept().id());
      r.restored().forEach(p -> changed.add(p.id()));
      segments.onReshaped(changed, List.of());
      return r;
    } finally {
      endWrite();
    }
  }

  /**
   * Adds a tag (e.g. {@code favourite}) to a profile.
   *
   * <p>Safe while events for the same profile are being ingested: the change is retried on
   * conflict and, if other writers of this instance keep winning, retried while they wait, so it
   * does not starve.
   *
   * @throws IllegalArgumentException if {@code tag} is blank, longer than 64 characters, or holds
   *     a control character (a line break, a NUL) or an unpaired surrogate
   * @throws java.util.NoSuchElementException if there is no such profile
   * @throws IllegalStateException if the profile kept changing through every retry (as for
   *     {@link #ingest}, which says which writers can cause it), or if this instance is
   *     {@linkplain #close closed}; nothing was applied
   * @throws dev.clientele.core.spi.StorageException if the backend fails; the tag was added or
   *     not, and calling again is safe
   */
  public Profile tag(ProfileId id, String tag) {
    requireNonNull(tag, "tag");
    // A tag is a label (a word or two): no line break or NUL to carry into exports and logs, and
    // text every backend stores as it is. Checked here, not in Profile.Builder, so that tags stored
    // before this rule still load.
    for (int i = 0; i < tag.length(); i++) {
      char c = tag.charAt(i);
      boolean unpaired = Character.isHighSurrogate(c)
          ? i + 1 == tag.length() || !Character.isLowSurrogate(tag.charAt(i + 1))
          : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(tag.charAt(i - 1)));
      if (Character.isISOControl(c) || unpaired) {
        throw new IllegalArgumentException(
            "tag must not contain a control character or an unpaired surrogate (at index " + i + ")");
      }
    }
    return update(id, b -> b.addTag(tag));
  }

  /**
   * Removes a tag from a profile; as {@link #tag}.
   *
   * @throws java.util.NoSuchElementException if there is no such profile
   * @throws IllegalStateException as {@link #tag}
   * @throws dev.clientele.core.spi.StorageException as {@link #tag}
   */
  public Profile untag(ProfileId id, String tag) {
    requireNonNull(tag, "tag");
    return update(id, b -> b.removeTag(tag));
  }

  /**
   * Applies {@code change} to the profile as one optimistic commit, retried on conflict; after
   * {@link ContentionGate#ESCALATE_AFTER} conflicts in a row, retried {@linkplain
   * ContentionGate#exclusively exclusively}.
   */
  private Profile update(ProfileId id, UnaryOperator<Profile.Builder> change) {
    requireNonNull(id, "id");
    beginWrite();
    try {
      return gate.retry(0, () -> {
        Profile current = storage.profile(id).orElseThrow(() -> new java.util.NoSuchElementException("no profile with id " + id));
        Profile next = change.apply(current.toBuilder()).version(current.version() + 1).build();
        storage.commit(Commit.builder().putProfile(next, current.version()).build());
        return next;
      }, (n, conflict) -> null, (n, conflict) -> new IllegalStateException("profile " + id + " kept changing through " + n + " attempts", conflict));
    } finally {
      endWrite();
    }
  }

  /**
   * Segments: evaluation of any segment (membership, members paged and sorted, counts, search
   * within a segment), and for the configured ones, membership over time, triggers and
   * {@link SegmentQueries#refresh refresh}. Configured with {@link Builder#segments}.
   *
   * <p>A view of the instance's segments: it cannot close them or call the hooks by which
   * ingestion keeps memberships current; closing this {@code Clientele} closes them.
   */
  public SegmentQueries segments() {
    return segmentQueries;
  }

  /**
   * The view {@link #segments()} returns: this instance's {@link Segments} with only the
   * {@link SegmentQueries} methods (not a {@code Segments}, not {@link AutoCloseable}, so it
   * cannot be cast back to close them or call the ingestion hooks), and {@link #refresh} a write
   * of this instance (refused once it is closed, and waited for by {@link #close} before the
   * segments and the storage close under it).
   */
  private final class GuardedSegments implements SegmentQueries {
    private final SegmentQueries view = segments;

    @Override
    public dev.clientele.segments.RefreshResult refresh(Instant asOf) {
      beginWrite();
      try {
        return view.refresh(asOf);
      } finally {
        endWrite();
      }
    }

    @Override
    public SegmentConfig config() {
      return view.config();
    }

    @Override
    public boolean matches(dev.clientele.segments.Segment segment, Profile profile, Instant asOf) {
      return view.matches(segment, profile, asOf);
    }

    @Override
    public java.util.function.Predicate<Profile> matcher(dev.clientele.segments.Segment segment, Instant asOf) {
      return view.matcher(segment, asOf);
    }

    @Override
    public Page<Profile> search(ProfileSearch search, dev.clientele.segments.Segment segment, Instant asOf) {
      return view.search(search, segment, asOf);
    }

    @Override
    public long count(dev.clientele.segments.Segment segment, Instant asOf) {
      return view.count(segment, asOf);
    }

    @Override
    public Stream<Profile> members(dev.clientele.segments.Segment segment, Instant asOf) {
      return view.members(segment, asOf);
    }

    @Override
    public Set<String> memberships(ProfileId profile) {
      return view.memberships(profile);
    }

    @Override
    public List<dev.clientele.segments.MembershipSpan> history(ProfileId profile) {
      return view.history(profile);
    }

    @Override
    public Optional<Instant> addedOn(ProfileId profile, String segment) {
      return view.addedOn(profile, segment);
    }

    @Override
    public dev.clientele.segments.TriggerStats triggerStats() {
      return view.triggerStats();
    }

    @Override
    public boolean awaitTriggers(java.time.Duration timeout) throws InterruptedException {
      return view.awaitTriggers(timeout);
    }

    @Override
    public String toString() {
      return view.toString();
    }
  }

  /** The storage backend (for host code that reads it directly). */
  public Storage storage() {
    return storage;
  }

  /** The clock in use. */
  public Clock clock() {
    return clock;
  }

  /** The activity rules in use. */
  public ActivityRules activityRules() {
    return activityRules;
  }

  /** The revenue rules in use: which orders count as revenue, in which currency. */
  public RevenueRules revenueRules() {
    return revenueRules;
  }

  /**
   * Ends this instance's life, as the class comment's "Lifecycle" says: refuses new writes, waits
   * for the writes in progress and then for the queued segment triggers (each for up to
   * {@link SegmentConfig#drainOnClose()}, 5 s by default), and closes the storage backend, also
   * one the host passed to {@link Builder#storage}. Idempotent: a second call (also a concurrent
   * one) returns at once. An interrupt ends the waits early (what is still queued is then
   * dropped and counted) and stays set. Do not call it from inside a write of this instance on
   * the same thread (the consumer of {@link #ingestAll(Iterable, java.util.function.Consumer)},
   * say): it would wait {@link SegmentConfig#drainOnClose()} for that write to end, then close the
   * storage under it, and the rest of that write's events would be applied without triggers.
   *
   * @throws IllegalStateException if called from a segment listener (it would wait for the
   *     thread the listener runs on); the instance stays open
   */
  @Override
  public void close() {
    if (closed.get()) {
      return;
    }
    if (segments.isTriggerThread()) {
      throw new IllegalStateException("clientele cannot be closed from a segment listener:"
          + " close waits for the trigger thread the listener runs on");
    }
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      awaitWrites(segments.config().drainOnClose());
      segments.close();
    } finally {
      storage.close();
    }
  }

  /** Waits up to {@code bound} for the writes that began before {@link #close}; logs how many are left. */
  private void awaitWrites(java.time.Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (writing.get() > 0 && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    int left = writing.get();
    if (left > 0) {
      LOG.warn("closing with {} write(s) still in progress after {}: the storage backend is closed under them and"
          + " the segment triggers they record are dropped (counted)", left, bound);
    }
  }

  /**
   * Configures a {@link Clientele}. Each setting may be set once; unset ones take the defaults
   * (in-memory storage, UTC system clock, {@link ActivityRules#defaults()},
   * {@link RevenueRules#anyCurrency()}, {@link IdentityRules#defaults()}, {@link ReachabilityPolicy#defaults()}, random profile ids). Not thread-safe.
   */
  public static final class Builder {
    private Storage storage;
    private Clock clock;
    private ActivityRules activityRules;
    private RevenueRules revenueRules;
    private IdentityRules identityRules;
    private Supplier<ProfileId> profileIds;
    private ReachabilityPolicy reachabilityPolicy;
    private ErasurePolicy erasurePolicy;
    private ActivityThresholds activityThresholds;
    private EngagementThresholds engagementThresholds;
    private SegmentConfig segments;
    private int ingestBatchSize;
    private java.util.function.Predicate<? super Event> erasureEvents;
    private java.time.Duration eventMaxAge;
    private java.time.Duration eventMaxAhead;

    private Builder() {}

    /**
     * How many events {@link Clientele#ingestAll} resolves against an overlay and writes as one
     * commit (default: 1, event by event, on the in-memory store, where a commit is cheap;
     * {@value Clientele#DEFAULT_BATCH_SIZE} on any other backend). 1 turns batching off.
     *
     * @throws IllegalArgumentException if {@code value} is not in 1..100,000
     */
    public Builder ingestBatchSize(int value) {
      checkState(ingestBatchSize == 0, "ingest batch size was already set");
      com.google.common.base.Preconditions.checkArgument(value >= 1 && value <= 100_000,
          "ingestBatchSize must be in 1..100000: %s", value);
      this.ingestBatchSize = value;
      return this;
    }

    /**
     * Segment definitions, enter/leave listeners, the figure source and the membership store
     * (default: none defined). Configured segments are re-evaluated incrementally after every
     * ingested event; see {@link Segments}. With listeners, a write (an ingest, merge, split or
     * erasure) returns only once the trigger queue is within its capacity again
     * ({@link dev.clientele.segments.QueueFullPolicy#BLOCK}, the default): slow listeners slow
     * ingestion down instead of losing transitions. {@link SegmentConfig.Builder#whenQueueFull}
     * chooses dropping instead.
     */
    public Builder segments(SegmentConfig value) {
      checkState(segments == null, "segments were already set");
      this.segments = requireNonNull(value, "segments");
      return this;
    }

    /** Login event type and windows for activity status. */
    public Builder activityThresholds(ActivityThresholds value) {
      checkState(activityThresholds == null, "activity thresholds were already set");
      this.activityThresholds = requireNonNull(value, "activityThresholds");
      return this;
    }

    /** Recency and frequency thresholds of engagement levels (default: {@link EngagementThresholds#defaults()}). */
    public Builder engagementThresholds(EngagementThresholds value) {
      checkState(engagementThresholds == null, "engagement thresholds were already set");
      this.engagementThresholds = requireNonNull(value, "engagementThresholds");
      return this;
    }

    /** Tombstone salt and replay behaviour for erasure (default: random salt, replays blocked). */
    public Builder erasurePolicy(ErasurePolicy value) {
      checkState(erasurePolicy == null, "erasure policy was already set");
      this.erasurePolicy = requireNonNull(value, "erasurePolicy");
      return this;
    }

    /** Account settings for reachability (implicit consent, CCPA) used by audience counts. */
    public Builder reachabilityPolicy(ReachabilityPolicy value) {
      checkState(reachabilityPolicy == null, "reachability policy was already set");
      this.reachabilityPolicy = requireNonNull(value, "reachabilityPolicy");
      return this;
    }

    /**
     * Uses this storage backend instead of a new in-memory store. A backend other than
     * {@link InMemoryStorage} keeps tombstones across restarts, so it needs an
     * {@link #erasurePolicy(ErasurePolicy)} with a salt from the host's secret store; {@link #build()}
     * refuses the random default. The instance owns the backend: {@link Clientele#close()} closes it.
     */
    public Builder storage(Storage value) {
      checkState(storage == null, "storage was already set");
      this.storage = requireNonNull(value, "storage");
      return this;
    }

    /** Uses this clock (e.g. a fixed one in tests). */
    public Builder clock(Clock value) {
      checkState(clock == null, "clock was already set");
      this.clock = requireNonNull(value, "clock");
      return this;
    }

    /** Decides which events are active. */
    public Builder activityRules(ActivityRules value) {
      checkState(activityRules == null, "activity rules were already set");
      this.activityRules = requireNonNull(value, "activityRules");
      return this;
    }

    /**
     * Decides which orders count as revenue and in which currency (default:
     * {@link RevenueRules#anyCurrency()}, totals added as given). Set a reporting currency when
     * orders come in more than one:
     *
     * <pre>{@code
     * Clientele.builder()
     *     .revenueRules(RevenueRules.in("EUR").withRates(ExchangeRates.fixed("EUR", Map.of("USD", new BigDecimal("0.92")))))
     *     .build();
     * }</pre>
     */
    public Builder revenueRules(RevenueRules value) {
      checkState(revenueRules == null, "revenue rules were already set");
      this.revenueRules = requireNonNull(value, "revenueRules");
      return this;
    }

    /**
     * Which {@code compliance}/{@code gdpr_delete} events may erase a person (default: every one,
     * as the event format says). Erasure is irreversible and, under the default
     * {@link ErasurePolicy.Replay#BLOCK}, keeps the person's identifiers from ever linking again:
     * when events come from clients you do not trust (a web or mobile SDK), anyone who knows a
     * person's email could erase them. Accept erasure only from events your own systems produce,
     * decided on what your pipeline sets, not on what a client could write; or accept none and
     * call {@link Clientele#delete} from your verified request flow. A refused event is rejected
     * (counted, not stored) with the reason in its result.
     *
     * <pre>{@code
     * Clientele.builder().erasureEvents(e -> false).build();                       // delete() only
     * // only if your gateway overwrites the source of every client event (clients can set it):
     * Clientele.builder().erasureEvents(e -> e.source().equals("privacy-desk")).build();
     * }</pre>
     */
    public Builder erasureEvents(java.util.function.Predicate<? super Event> accept) {
      checkState(erasureEvents == null, "erasure events were already set");
      this.erasureEvents = requireNonNull(accept, "accept");
      return this;
    }

    /**
     * Accepts only events whose time lies within {@code maxAge} before and {@code maxAhead} after
     * the instance's clock when they are ingested (default: any time). An event outside is
     * rejected (counted, not stored) with the reason in its result. Event times decide
     * survivorship ("most recently observed wins"), identifier limits per window and every
     * time-based report, so where clients set them, a bound keeps one wrong or forged time (a
     * device clock in the year 9999, a back-dated flood) from pinning an attribute or slipping
     * past a weekly limit. Leave it unbounded, or wide, when you load history.
     *
     * <pre>{@code
     * Clientele.builder().eventTimes(Duration.ofDays(30), Duration.ofMinutes(10)).build();
     * }</pre>
     *
     * @throws IllegalArgumentException if either duration is negative
     */
    public Builder eventTimes(java.time.Duration maxAge, java.time.Duration maxAhead) {
      checkState(eventMaxAge == null, "event times were already set");
      EventTimes.check(requireNonNull(maxAge, "maxAge"), requireNonNull(maxAhead, "maxAhead"));
      this.eventMaxAge = maxAge;
      this.eventMaxAhead = maxAhead;
      return this;
    }

    /** Identifier normalisation and blocked values. */
    public Builder identityRules(IdentityRules value) {
      checkState(identityRules == null, "identity rules were already set");
      this.identityRules = requireNonNull(value, "identityRules");
      return this;
    }

    /** Supplies ids for new profiles (e.g. deterministic ones in tests); must never repeat. */
    public Builder profileIds(Supplier<ProfileId> value) {
      checkState(profileIds == null, "profile id supplier was already set");
      this.profileIds = requireNonNull(value, "profileIds");
      return this;
    }

    /**
     * Builds the instance. Each call builds a new one; without {@link #storage} each gets a new
     * in-memory store of its own. With a backend given, every instance built from this builder
     * uses that one backend object, and each owns it: the first to {@link Clientele#close()}
     * closes it under the others. So build once per backend object (several nodes on one database
     * each open their own backend, e.g. their own {@code JdbcStorage}).
     *
     * @throws IllegalStateException if a persistent storage backend was given without an erasure salt
     */
    public Clientele build() {
      return new Clientele(this);
    }
  }
}
