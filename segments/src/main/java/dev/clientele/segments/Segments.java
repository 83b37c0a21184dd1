package dev.clientele.segments;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.common.util.concurrent.Striped;
import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.consent.ReachabilityEvaluator;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Page;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.ProfileQueries;
import dev.clientele.core.ProfileSearch;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Evaluates segments over a store and keeps each profile's membership over time, calling
 * listeners when profiles enter or leave. The {@link dev.clientele.core.spi.Storage} is read,
 * never written.
 *
 * <h2>Two ways to ask "who is in it"</h2>
 * <ul>
 *   <li><b>Evaluation</b> ({@link #matches}, {@link #search}, {@link #count}, {@link #members})
 *       evaluates any {@link Segment}, defined or ad hoc, against the current store as of a
 *       given instant. It scans profiles page by page (memory bounded by the page, not the
 *       store) and reads a profile's timeline only when an event-history leaf needs it.
 *   <li><b>Stored membership</b> ({@link #memberships}, {@link #history}, {@link #addedOn}) is
 *       kept for the segments of the {@link SegmentConfig}: it is what triggers fire on, and it
 *       records when each profile entered and left each segment.
 * </ul>
 *
 * <h2>Incremental re-evaluation</h2>
 * {@link #onCommitted} is called after each committed ingestion (the sdk's {@code Clientele}
 * does this) with the affected profile. It re-evaluates that profile only, as of the clock's
 * instant, and only the segments whose inputs the event can change: segments that read profile
 * state or figures always, segments over the event history only when the event's type is one
 * they count. A merge or a new profile re-evaluates every segment; profiles merged away leave
 * all their segments. Conditions whose truth changes with time alone (windows such as "in the
 * last 60 days", activity status, days since the last order) are not re-evaluated when no event
 * arrives: the host schedules {@link #refresh(Instant)} (e.g. hourly or daily) to move
 * memberships forward with the clock, and figure changes (a CLV refit) reach memberships the
 * same way. A segment added to the configuration over existing data (with a persistent
 * membership store) likewise needs one {@code refresh} to take in the profiles that no event
 * touches.
 *
 * <h2>Timeline cache</h2>
 * Conditions over the event history (event counts and sums, with or without a window, first or
 * last occurrence within a window, activity status) would otherwise read the profile's whole
 * timeline on every re-evaluation, which makes ingestion quadratic for a busy profile. For the
 * segments of the configuration, each profile's re-evaluation instead keeps a
 * <em>timeline index</em>: per event type (and action, and summed data field) that those
 * conditions read, the times of the matching events in order and their numbers with prefix
 * sums, plus a 64-bit hash of every event id on the timeline. It holds every event whatever its
 * time, so it answers for any as-of instant. What is cached, and its bound:
 * <ul>
 *   <li>Indexes are kept per profile in a cache bounded by their estimated size,
 *       {@link SegmentConfig#timelineCacheBytes()} (64 MiB by default; estimated at 16 to 32
 *       bytes per event for the id hashes, 12 to 24 more per event of a type that is read, and
 *       about 100 more per event of a summed field: roughly 50,000 profiles of 20 events each, or
 *       one of a million events without sums); beyond it the cache evicts indexes (by how often and
 *       how recently they are used). An index bigger than a quarter of the bound is not kept: such
 *       a profile is re-evaluated from one read of its timeline each time, as without the cache
 *       (logged once). 0 turns the cache off.
 *   <li>An index is built from one read of the whole timeline, on the first re-evaluation that
 *       needs it, and labelled with the version, event count and identifiers of the profile read
 *       just before. It is used again only while the newest committed profile has that same
 *       version, event count and identifiers; and it is brought forward by one event, without a
 *       read, only when {@link ProfileChange#appendedAlone()} says the event's commit appended it
 *       alone, the profile is exactly one version and one event further, its identifiers are
 *       unchanged, and the event's id is not in the index. Any other change (a batch, a merge or
 *       split, an erasure, a new identifier, a commit made elsewhere that no hook reported, an
 *       eviction) drops the index and the next re-evaluation reads the timeline whole again.
 *       {@link #onReshaped}, {@link #onErased} and profiles leaving by a merge drop theirs at once.
 *       An index holds the profile's identifiers (to tell when they change): with several nodes,
 *       an erasure made on another node drops this node's copy only when it is evicted.
 *   <li>Ad hoc evaluation ({@link #matches}, {@link #matcher}, {@link #search}, {@link #count},
 *       {@link #members}) does not use the cache: it reads the timeline of each profile that
 *       needs it, as of the instant asked.
 * </ul>
 * <b>Guarantee:</b> every re-evaluation gives the memberships, transitions and triggers that
 * reading the whole timeline would give, provided every change to a profile's timeline is made
 * by a commit that writes that profile with its next version (as all of Clientele's writers do:
 * ingestion, merges, splits, erasure), which the store applies atomically. An event is added to
 * an index only if no commit can have come between the index's read and the event's own commit.
 * Indexes are read and changed only under the profile's lock.
 *
 * <h2>Concurrency and triggers</h2>
 * Thread-safe. Each profile is evaluated and its membership updated under a per-profile lock,
 * always reading the newest committed profile, so the last evaluation after the last commit
 * decides and concurrent ingestion cannot leave a stale membership. The lock is this process's
 * only: with several nodes on one backend, another node can commit between this node's read of a
 * profile and its membership writes, after its own evaluation. So an evaluation that recorded a
 * transition reads the profile again, and that read serves the next evaluation: if it changed,
 * the transitions stand (they are delivered) and the newest version is evaluated again, against
 * every segment, at most 4 evaluations and 5 profile reads in all (a profile that keeps changing
 * longer is caught up by its next change or {@link #refresh}); if it was merged away meanwhile,
 * the transitions are delivered and it leaves every segment again; if it was erased meanwhile
 * (no merge-log record names it any more), its membership history is erased again, its leaves
 * are delivered without the profile and without the cause event (as {@link #onErased}'s), and
 * its entries are not delivered (listeners never get an erased profile or its event; if the
 * merge-log read fails, which of the two it was is unknown and the recorded transitions are
 * delivered without the profile and the cause event). A profile that leaves every segment
 * because it is gone (merged away) is read once more after those leaves: a split on another node
 * may have restored it meanwhile, and that node's evaluation, if it ran before the leaves were
 * written, found its memberships still current and recorded nothing. If it exists again it is
 * evaluated afresh (again at most 4 evaluations and 5 reads), and its transitions carry no cause
 * event (the split made them). Whether a profile changed between two reads is decided by its
 * version and, when the versions are equal, its contents: a profile id's versions only go up (a
 * split restores a profile above the version of the one it is split from), but profiles written
 * before that rule may have been restored at version 1, a version the id had held before it was
 * merged away. So another node's write leaves neither a stale
 * membership nor a membership of a profile that no longer exists, nor a restored profile left
 * out, within those 4 evaluations (a profile changed longer is caught up by its next change or
 * {@link #refresh}). This costs one more profile read per evaluation that records a transition
 * (none when it records none), and one profile and one membership read per gone profile that
 * leaves a segment. The re-read shows in one process too, when another thread committed to the
 * same profile meanwhile: the next evaluation records that commit's transitions with this
 * evaluation's event as cause, and the other thread's evaluation then finds nothing to record (a
 * transition is credited to whichever evaluation records it first); it evaluates every segment,
 * so time-window and activity segments may move on that event, not only on {@link #refresh}; and
 * it drops the profile's timeline index, so the timeline is read whole once. A transition is
 * recorded in the {@link MembershipStore} (a conditional write) and only then queued for
 * listeners, in the order recorded; one recorded before an exception in the same evaluation (a
 * later segment's write, the re-read) is still queued. When the queue is full ({@link SegmentConfig#triggerQueueCapacity()}), the
 * writer waits after its evaluation, holding no lock, until the queue is back within capacity
 * ({@link QueueFullPolicy#BLOCK}, the default), or the transition is dropped and counted
 * ({@link QueueFullPolicy#DROP}). {@link SegmentListener} states which delivery guarantees
 * hold (exactly once while open under {@code BLOCK}, at most once across process ends).
 */
public final class Segments implements SegmentQueries, AutoCloseable {
  private static final int PAGE = 1024;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Segments.class);

  /** Whether an index too big for the cache was logged ({@link #fitsTheCache}; a race may log twice). */
  private volatile boolean oversizedLogged;
  private final Storage storage;
  private final SegmentConfig config;
  private final Clock clock;
  private final ReachabilityEvaluator reachability;
  private final ActivityThresholds thresholds;
  private final MembershipStore memberships;
  private final ImmutableMap<String, Compiled> compiled;
  private final ProfileQueries queries;
  private final TriggerDispatcher triggers;
  private final Striped<Lock> locks = Striped.lock(256);
  /** What the configured segments' event-history leaves read: the keys of every timeline index. */
  private final ImmutableSet<TimelineIndex.Key> timelineKeys;
  /** Timeline indexes by profile, bounded by estimated bytes; null when the cache is off or no leaf reads history. */
  private final Cache<ProfileId, TimelineIndex> timelines;
  /** The reference path: every re-evaluation reads the whole timeline (package-private switch for tests and benchmarks). */
  private volatile boolean fullReread;
  private volatile boolean closed;

  private record Compiled(Segment segment, Compiler.Node node, Compiler.Inputs inputs) {}

  private Segments(Storage storage, SegmentConfig config, ReachabilityPolicy policy, ActivityThresholds thresholds, Clock clock) {
    this.storage = requireNonNull(storage, "storage");
    this.config = requireNonNull(config, "config");
    this.reachability = new ReachabilityEvaluator(requireNonNull(policy, "policy"));
    this.thresholds = requireNonNull(thresholds, "thresholds");
    this.clock = requireNonNull(clock, "clock");
    this.memberships = config.membershipStore().orElseGet(InMemoryMembershipStore::new);
    Map<String, Compiled> c = new LinkedHashMap<>();
    for (Segment s : config.segments()) {
      c.put(s.name(), new Compiled(s, Compiler.compile(s.condition()), Compiler.inputs(s.condition(), thresholds)));
    }
    this.compiled = ImmutableMap.copyOf(c);
    Set<TimelineIndex.Key> keys = new LinkedHashSet<>();
    for (Segment s : config.segments()) {
      Compiler.timelineKeys(s.condition(), thresholds, keys);
    }
    this.timelineKeys = ImmutableSet.copyOf(keys);
    this.fullReread = config.fullReread();
    this.timelines = keys.isEmpty() || config.timelineCacheBytes() == 0 ? null
        : Caffeine.newBuilder()
            .maximumWeight(config.timelineCacheBytes())
            .weigher((ProfileId id, TimelineIndex x) -> (int) Math.min(Integer.MAX_VALUE, x.bytes()))
            .executor(Runnable::run) // evictions on the writer's thread: no pool thread per instance
            .build();
    this.queries = new ProfileQueries(storage);
    this.triggers = new TriggerDispatcher(config.listeners(), config.triggerQueueCapacity(), config.whenQueueFull());
  }

  /**
   * Segments over {@code storage}.
   *
   * @param storage where profiles and events are read
   * @param config the defined segments, listeners, figure source and membership store
   * @param policy the reachability policy that reachability conditions apply
   * @param thresholds the activity thresholds that activity conditions apply
   * @param clock the clock whose instant is the as-of time of incremental re-evaluation
   */
  public static Segments over(
      Storage storage, SegmentConfig config, ReachabilityPolicy policy, ActivityThresholds thresholds, Clock clock) {
    return new Segments(storage, config, policy, thresholds, clock);
  }

  /** The configuration. */
  public SegmentConfig config() {
    return config;
  }

  /** The membership store in use. */
  public MembershipStore membershipStore() {
    return memberships;
  }

  /** Whether {@code profile} belongs to {@code segment} as of {@code asOf}. */
  public boolean matches(Segment segment, Profile profile, Instant asOf) {
    requireNonNull(segment, "segment");
    requireNonNull(profile, "profile");
    requireNonNull(asOf, "asOf");
    return Compiler.compile(segment.condition()).test(evaluation(profile, asOf));
  }

  /**
   * A test of membership in {@code segment} as of {@code asOf}, compiled once: use it to filter
   * many profiles (an export, a host's own scan). Safe for concurrent use.
   */
  public Predicate<Profile> matcher(Segment segment, Instant asOf) {
    requireNonNull(segment, "segment");
    requireNonNull(asOf, "asOf");
    Compiler.Node node = Compiler.compile(segment.condition());
    return p -> node.test(evaluation(requireNonNull(p, "profile"), asOf));
  }

  /**
   * Search within a segment ("search follows the segment"): the members of {@code segment} as
   * of {@code asOf} that match the search text, sorted and paged as {@link ProfileQueries#search}.
   */
  public Page<Profile> search(ProfileSearch search, Segment segment, Instant asOf) {
    requireNonNull(search, "search");
    return queries.search(search, matcher(segment, asOf));
  }

  /** The number of members of {@code segment} as of {@code asOf}. */
  public long count(Segment segment, Instant asOf) {
    Predicate<Profile> m = matcher(segment, asOf);
    long[] n = {0};
    storage.forEachProfile(p -> {
      if (m.test(p)) {
        n[0]++;
      }
    });
    return n[0];
  }

  /**
   * The members of {@code segment} as of {@code asOf}, in profile id order, read lazily page by
   * page from the store: memory stays bounded by one page whatever the number of members, so an
   * export can stream a million rows. A profile that exists throughout the stream is visited
   * once. Close the stream when done (it holds nothing today; a backend cursor may).
   */
  public Stream<Profile> members(Segment segment, Instant asOf) {
    Predicate<Profile> m = matcher(segment, asOf);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(new PagingIterator(), Spliterator.ORDERED | Spliterator.NONNULL), false)
        .filter(m);
  }

  /**
   * The segments of the configuration that {@code profile} is a current member of (stored
   * membership): an unmodifiable set.
   */
  public Set<String> memberships(ProfileId profile) {
    return ImmutableSet.copyOf(memberships.current(requireNonNull(profile, "profile")));
  }

  /**
   * Every stay of {@code profile} in the configured segments, current and past, oldest first:
   * an unmodifiable list.
   */
  public List<MembershipSpan> history(ProfileId profile) {
    return ImmutableList.copyOf(memberships.history(requireNonNull(profile, "profile")));
  }

  /** When {@code profile} entered {@code segment}, if it is a current member (the "added on" date). */
  public Optional<Instant> addedOn(ProfileId profile, String segment) {
    requireNonNull(segment, "segment");
    return history(profile).stream()
        .filter(s -> s.isCurrent() && s.segment().equals(segment))
        .map(MembershipSpan::enteredAt)
        .findFirst();
  }

  /**
   * Incremental re-evaluation after a committed ingestion: re-evaluates {@code change.profile()}
   * against the configured segments whose inputs the event can change, as of the clock's
   * instant, records transitions and queues triggers; profiles merged away leave every segment.
   * Cost: one profile read, one membership read, one evaluation per affected segment, and at
   * most one timeline read shared by all of them; none when the profile's timeline index is
   * cached and {@code change} can be added to it (see "Timeline cache" above). Plus one profile
   * read when it records a transition, and when that read finds the profile changed by another
   * commit meanwhile, another membership read, evaluation of every segment and timeline read, up
   * to 4 evaluations and 5 profile reads in all (see "Concurrency and triggers" above). Each
   * profile merged away that leaves a segment is read once more afterwards (with its memberships),
   * and if a split on another node restored it meanwhile, evaluated like this one, within 4
   * evaluations and 5 reads of its own. Never throws for a failure of evaluation (a
   * {@link FigureSource} or {@link MembershipStore} that throws): the event is already
   * committed, so the failure is counted in {@link TriggerStats#evaluationFailures()} and logged
   * without personal data (as a summary, like listener failures: see {@link SegmentListener}), and the next event or refresh catches the profile up.
   */
  public void onCommitted(ProfileChange change) {
    requireNonNull(change, "change");
    if (compiled.isEmpty()) {
      return;
    }
    Instant asOf = clock.instant();
    Event cause = change.event();
    List<ProfileId> left = List.of();
    try {
      left = leaveAll(change.mergedAway(), asOf, Optional.of(cause));
      boolean all = change.created() || !change.mergedAway().isEmpty();
      reevaluate(change.profile(), asOf, Optional.of(cause), all ? null : cause.type(), change.appendedAlone() && !all);
    } catch (RuntimeException e) {
      // The event is committed: ingestion must not fail for it. Counted; type only, no data.
      triggers.evaluationFailed("after an event of type " + cause.type() + ": " + e.getClass().getName());
    }
    if (!left.isEmpty()) { // (the text is made only when needed: this runs per ingested event)
      reevaluateIfRestored(left, asOf, "after an event of type " + cause.type());
    }
    triggers.awaitSpace(); // holding no lock now
  }

  /**
   * Re-evaluation after an operator's change without an event (a forced merge, a split, or an
   * erasure that changed other profiles' timelines):
   * {@code mergedAway} profiles leave every segment, and every segment is re-evaluated for
   * {@code changed}, as of the clock's instant, with the reads and limits of {@link #onCommitted}
   * (each merged-away profile that left a segment is read once more afterwards, and evaluated if
   * a split on another node restored it). Transitions carry no cause. Never throws for a
   * failure of evaluation (counted, as in {@link #onCommitted}).
   *
   * @param changed profiles whose contents changed or that were created (restored by a split)
   * @param mergedAway profiles that no longer exist
   */
  public void onReshaped(List<ProfileId> changed, List<ProfileId> mergedAway) {
    requireNonNull(changed, "changed");
    requireNonNull(mergedAway, "mergedAway");
    if (compiled.isEmpty()) {
      return;
    }
    Instant asOf = clock.instant();
    String failure = "after a merge, split or erasure";
    List<ProfileId> left = List.of();
    try {
      left = leaveAll(mergedAway, asOf, Optional.empty());
      for (ProfileId id : changed) {
        forgetTimeline(id);
        reevaluate(id, asOf, Optional.empty(), null, false);
      }
    } catch (RuntimeException e) {
      triggers.evaluationFailed(failure + ": " + e.getClass().getName());
    }
    reevaluateIfRestored(left, asOf, failure);
    triggers.awaitSpace(); // holding no lock now
  }

  /**
   * The profile {@code id} was erased: it leaves every segment (listeners hear a leave with no
   * profile and no cause) and then its membership history is erased. Never waits for space in
   * the trigger queue, even under {@link QueueFullPolicy#BLOCK}: the caller may be inside the
   * erasure's commit retry, where the instance's other writers (a listener's among them) can be
   * held back, so waiting there for the trigger thread could deadlock. Its leaves (one per
   * current segment) may take the queue past its capacity until the caller, once outside the
   * erasure, calls {@link #awaitTriggerSpace()}.
   *
   * @return how many membership spans were erased
   */
  public int onErased(ProfileId id) {
    requireNonNull(id, "id");
    Lock lock = locks.get(id);
    lock.lock();
    try {
      forgetTimelineLocked(id);
      Instant asOf = clock.instant();
      for (String s : memberships.current(id)) {
        if (memberships.leave(id, s, asOf, Optional.empty())) {
          triggers.dispatch(new SegmentTransition(s, SegmentTransition.Kind.LEAVE, id, Optional.empty(), asOf, Optional.empty()));
        }
      }
      return memberships.forget(id);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Re-evaluates every profile against every configured segment as of {@code asOf}, recording
   * transitions and firing triggers: how time-window conditions, activity status and host
   * figures move forward without new events. The host schedules it (daily for day windows).
   * It also finds, through {@link MembershipStore#forEachProfile}, the memberships of profiles
   * that are no longer stored, which a process that died between a merge's or an erasure's commit
   * and its membership writes left behind: a merged-away profile leaves its segments (without a
   * cause), an erased one leaves them (without the profile) and its history is erased. After a
   * restart, one {@code refresh} therefore leaves the stored memberships as a fresh evaluation
   * gives them. Cost: one profile read per profile with membership history, plus a merge-log read
   * for each that is no longer stored.
   * Under {@link QueueFullPolicy#BLOCK} it waits between profiles while the trigger queue is
   * full, so it goes no faster than the listeners.
   *
   * @throws IllegalStateException if this instance is closed
   */
  public RefreshResult refresh(Instant asOf) {
    requireNonNull(asOf, "asOf");
    checkState(!closed, "segments are closed");
    long[] n = new long[3];
    storage.forEachProfile(p -> {
      n[0]++;
      long[] r = reevaluate(p.id(), asOf, Optional.empty(), null, false);
      n[1] += r[0];
      n[2] += r[1];
      triggers.awaitSpace(); // between profiles, holding no lock
    });
    if (!compiled.isEmpty()) {
      memberships.forEachProfile(id -> {
        n[2] += sweepGone(id, asOf);
        triggers.awaitSpace();
      });
    }
    return new RefreshResult(asOf, n[0], n[1], n[2]);
  }

  /**
   * The memberships of {@code id} if it is no longer stored, as its merge's or erasure's own
   * hook would have left them (a process that died after that commit never ran the hook):
   * merged away (a merge-log record names it), it leaves every segment, without a cause; erased
   * (no record names it), it leaves every segment as after {@link #onErased} and its history is
   * erased. Returns the leaves recorded.
   */
  private long sweepGone(ProfileId id, Instant asOf) {
    Lock lock = locks.get(id);
    lock.lock();
    try {
      if (storage.profile(id).isPresent()) {
        return 0;
      }
      boolean erased = storage.mergeRecords(id).isEmpty();
      if (!erased && memberships.current(id).isEmpty()) {
        return 0; // merged away and left: its closed spans are the person's history
      }
      long left = leaveAllLocked(id, asOf, Optional.empty());
      if (erased) {
        memberships.forget(id);
      }
      return left;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Under {@link QueueFullPolicy#BLOCK}, waits until the trigger queue is within its capacity
   * again; returns at once under {@link QueueFullPolicy#DROP}, on the trigger thread, and once
   * closing began. For a caller of {@link #onErased}, which never waits itself: call it after the
   * erasure, holding no lock that a listener's own writes could need. (The other hooks and
   * {@link #refresh} wait by themselves.)
   */
  public void awaitTriggerSpace() {
    triggers.awaitSpace();
  }

  /** Counts of transitions and listener calls. */
  public TriggerStats triggerStats() {
    return triggers.stats();
  }

  /**
   * Waits until every queued transition has been delivered to its listeners (for tests and
   * orderly shutdown).
   *
   * @return whether the queue drained within {@code timeout}
   * @throws IllegalStateException if called from a listener (it would wait for itself)
   */
  public boolean awaitTriggers(Duration timeout) throws InterruptedException {
    requireNonNull(timeout, "timeout");
    checkArgument(!timeout.isNegative(), "timeout must not be negative: %s", timeout);
    return triggers.awaitIdle(timeout);
  }

  /**
   * Whether the calling thread is this instance's trigger thread, i.e. the caller is (called
   * by) a {@link SegmentListener}.
   */
  public boolean isTriggerThread() {
    return triggers.isTriggerThread();
  }

  /**
   * Stops triggers: transitions recorded from now on are not delivered (they are counted in
   * {@link TriggerStats#dropped()}), and the queued ones are delivered for up to
   * {@link SegmentConfig#drainOnClose()} (5 s by default); what is still queued then is
   * dropped, counted and logged, and the trigger thread is interrupted. Writers waiting for
   * queue space stop waiting. {@link #refresh} throws afterwards; evaluation and stored
   * membership can still be read. Idempotent: a second call returns at once. Closing the
   * {@code Clientele} that made this instance calls it; a host using that {@code Clientele}
   * does not call it itself.
   *
   * @throws IllegalStateException if called from a listener (on the trigger thread, which
   *     closing waits for)
   */
  @Override
  public void close() {
    triggers.close(config.drainOnClose());
    closed = true;
  }

  /**
   * Entered and left counts. Evaluates the newest committed profile and records its transitions;
   * if it recorded any, reads the profile again (see "Concurrency and triggers" above), and that
   * read is the next round's: at most {@link #MAX_ROUNDS} evaluations and one profile read more
   * (the last evaluation's writes are checked too: a profile erased meanwhile keeps no membership).
   * Every recorded transition is queued once: at the end of its round, or, when the round ends
   * with an exception (of the store, the membership store or an evaluation), on the way out, since
   * its membership is stored and no later event or refresh would fire it again. Only the entries
   * of a profile found erased meanwhile are not queued (see {@link #undoGone}). A profile found
   * gone that leaves a segment is read again, if a read is left: restored by a split meanwhile,
   * that read is the next round's, and that round's transitions carry no cause.
   *
   * @param appendedAlone whether {@code cause}'s commit appended it alone to this profile's
   *     timeline (see {@link ProfileChange#appendedAlone()})
   */
  private long[] reevaluate(ProfileId id, Instant asOf, Optional<Event> cause, String onlyType, boolean appendedAlone) {
    long[] out = new long[2];
    List<SegmentTransition> pending = new ArrayList<>(0); // recorded, not queued yet
    Lock lock = locks.get(id);
    lock.lock();
    try {
      String only = onlyType;
      boolean alone = appendedAlone;
      Optional<Event> by = cause; // empty once a split restored the profile: the split made its entries
      Optional<Profile> read = storage.profile(id);
      for (int round = 1; ; round++) {
        if (read.isEmpty()) {
          forgetTimelineLocked(id);
          long left = leaveGoneLocked(id, asOf, by);
          out[1] += left;
          Optional<Profile> back = left > 0 && round < MAX_ROUNDS ? storage.profile(id) : Optional.empty();
          if (back.isEmpty()) {
            return out;
          }
          read = back; // restored by a split meanwhile: evaluate it afresh (class Javadoc)
          only = null;
          alone = false;
          by = Optional.empty();
          continue;
        }
        Profile p = read.get();
        Set<String> current = memberships.current(id);
        Evaluation e = reevaluation(p, asOf, alone ? by.orElse(null) : null);
        Optional<String> causeId = by.map(Event::id);
        for (Compiled c : compiled.values()) {
          if (only != null && !c.inputs().affectedBy(only)) {
            continue;
          }
          boolean now = c.node().test(e);
          boolean was = current.contains(c.segment().name());
          if (now && !was && memberships.enter(id, c.segment().name(), asOf, causeId)) {
            pending.add(new SegmentTransition(c.segment().name(), SegmentTransition.Kind.ENTER, id, read, asOf, by));
          } else if (!now && was && memberships.leave(id, c.segment().name(), asOf, causeId)) {
            pending.add(new SegmentTransition(c.segment().name(), SegmentTransition.Kind.LEAVE, id, read, asOf, by));
          }
        }
        if (pending.isEmpty()) {
          return out;
        }
        // Another node's writes do not take this process's lock: one may have committed between
        // the read above and the membership writes, after its own re-evaluation, which then
        // could not see them. Read again: unchanged, the writes stand. Also after the last
        // evaluation, whose writes may belong to a profile erased (or merged away) meanwhile.
        Optional<Profile> again = storage.profile(id);
        if (again.isEmpty()) {
          long leftBefore = out[1];
          undoGone(id, pending, asOf, by, out);
          Optional<Profile> back = out[1] > leftBefore && round + 1 < MAX_ROUNDS ? storage.profile(id) : Optional.empty();
          if (back.isEmpty()) {
            return out;
          }
          read = back; // restored by a split meanwhile (class Javadoc)
          only = null;
          alone = false;
          by = Optional.empty();
          round++; // the read above is the next round's
          continue;
        }
        queue(pending, out);
        // Equal versions are not enough for data written before splits restored profiles above
        // the holder's version: such a split restored at version 1, which may be the version read
        // (merged away, changed and restored meanwhile: content tells them apart).
        if (again.get().version() == p.version()) {
          if (again.get().equals(p)) {
            return out;
          }
          forgetTimelineLocked(id); // a cached timeline index is kept by version: not to be trusted now
        }
        if (round == MAX_ROUNDS) {
          return out; // changed again: its next change or refresh catches it up
        }
        read = again; // changed meanwhile: evaluate the newest against every segment
        only = null;
        alone = false;
      }
    } finally {
      try {
        queue(pending, out); // empty unless the round ended with an exception
      } finally {
        lock.unlock();
      }
    }
  }

  /** How many evaluations {@link #reevaluate} spends on a profile that keeps changing before it leaves the rest to the next change (and one profile read more). */
  private static final int MAX_ROUNDS = 4;

  /**
   * Queues {@code pending} for listeners in the order recorded, counting them in {@code out}, and
   * empties it. Each is removed before it is queued, so that none is queued twice when queueing
   * throws part way and the rest is queued on the way out.
   */
  private void queue(List<SegmentTransition> pending, long[] out) {
    while (!pending.isEmpty()) {
      SegmentTransition t = pending.remove(0);
      out[t.kind() == SegmentTransition.Kind.ENTER ? 0 : 1]++;
      triggers.dispatch(t);
    }
  }

  /**
   * {@link #reevaluate} recorded {@code pending} for a profile that is gone since its read
   * (merged away or erased, by another thread or node, whose own leave or erasure of the
   * memberships may have run before these writes). Merged away (a merge-log record names it):
   * the transitions are queued and the profile leaves every segment, as the merge's own hook
   * does. Erased (no record names it any more: an erasure takes them): its membership history is
   * erased again, as the erasure did; its leaves are queued without the profile and without the
   * cause event (as {@link #onErased}'s) and its entries are not, so that listeners never get an
   * erased profile or its event. Whatever is still in {@code pending} when this throws is queued
   * by the caller; if the merge-log read itself fails (merged or erased is then unknown), without
   * the profile and the cause event, in case it was erased.
   */
  private void undoGone(ProfileId id, List<SegmentTransition> pending, Instant asOf, Optional<Event> cause, long[] out) {
    forgetTimelineLocked(id);
    boolean merged;
    try {
      merged = !storage.mergeRecords(id).isEmpty();
    } catch (RuntimeException | Error e) {
      // Merged or erased is unknown: strip what could be an erased profile's data.
      pending.replaceAll(t -> new SegmentTransition(t.segment(), t.kind(), id, Optional.empty(), t.at(), Optional.empty()));
      throw e;
    }
    if (merged) {
      queue(pending, out);
      out[1] += leaveAllLocked(id, asOf, cause);
      return;
    }
    List<SegmentTransition> leaves = new ArrayList<>(pending.size());
    for (SegmentTransition t : pending) {
      if (t.kind() == SegmentTransition.Kind.LEAVE) {
        leaves.add(new SegmentTransition(t.segment(), t.kind(), id, Optional.empty(), t.at(), Optional.empty()));
      }
    }
    pending.clear();
    pending.addAll(leaves);
    memberships.forget(id);
    queue(pending, out);
  }

  /**
   * {@link #leaveAllLocked} for a profile that {@link #reevaluate} found gone: merged away (a
   * merge-log record names it), its leaves carry {@code cause}; erased, they carry no cause, as
   * {@link #onErased}'s, and its membership history is erased after them. The merge log is read
   * only when there is something to leave.
   */
  private long leaveGoneLocked(ProfileId id, Instant asOf, Optional<Event> cause) {
    if (memberships.current(id).isEmpty()) {
      return 0;
    }
    boolean erased = storage.mergeRecords(id).isEmpty();
    long left = leaveAllLocked(id, asOf, erased ? Optional.empty() : cause);
    if (erased) {
      // Memberships still current for an erased profile (written after its erasure's forget, by
      // another node, or a forget that failed): their history goes too, as after undoGone.
      memberships.forget(id);
    }
    return left;
  }

  /**
   * The evaluation of the configured segments for {@code p} (the newest committed version,
   * read under its lock). Its event-history leaves read the profile's {@link TimelineIndex}:
   * the cached one brought up to {@code p} when that is certain ({@link #cachedIndex}), else
   * one built from the whole timeline read from the store on first use, and cached.
   *
   * @param appended the event whose commit appended it alone to the timeline, or null
   */
  private Evaluation reevaluation(Profile p, Instant asOf, Event appended) {
    if (fullReread || timelineKeys.isEmpty() || timelines == null) { // no cache: read as before it existed
      return evaluation(p, asOf);
    }
    if (p.eventCount() * TimelineIndex.MIN_BYTES_PER_EVENT > config.timelineCacheBytes() / 4) { // too big to keep
      timelines.invalidate(p.id()); // an index kept while the profile was smaller
      logTooBig(p.eventCount() * TimelineIndex.MIN_BYTES_PER_EVENT);
      return evaluation(p, asOf);
    }
    TimelineIndex cached = cachedIndex(p, appended);
    Supplier<TimelineIndex> source = cached != null ? () -> cached : () -> {
      Set<Identifier> anchors = anchorsOf(p);
      List<StoredEvent> all = storage.events(anchors);
      TimelineIndex built = TimelineIndex.of(p.version(), p.eventCount(), anchors, timelineKeys, all);
      if (timelines != null && fitsTheCache(built)) {
        timelines.put(p.id(), built);
      }
      return built;
    };
    return new Evaluation(p, asOf, storage, config.figures(), reachability, thresholds, source);
  }

  /**
   * The cached index of {@code p}'s timeline if it certainly equals the stored timeline of
   * {@code p}'s version, else null (and the stale index is dropped). It does when it was built
   * or last brought up to this very version (same version, event count and identifiers), or
   * when it describes the version just before and {@code appended} is an event that commit
   * appended alone and that the index certainly does not hold yet: then it is added. Caller
   * holds the profile's lock.
   *
   * <p>Why that is certain: an index labelled with version {@code v} holds the events stored
   * when it was read, after version {@code v} had been read, so every event committed up to
   * {@code v} and possibly later ones. If the profile is now at {@code v + 1} and {@code appended}
   * (committed before this call, by a commit that wrote this profile) is not in the index, its
   * commit came after the index's read, so it is the commit of {@code v + 1} (no other commit
   * fits in between), and that commit appended {@code appended} alone to a timeline the index
   * held whole (an index that held a later commit's events would hold {@code appended} too).
   * Identifiers that changed (a link, a merge) may bring other events, so they always rebuild.
   */
  private TimelineIndex cachedIndex(Profile p, Event appended) {
    if (timelines == null) {
      return null;
    }
    TimelineIndex x = timelines.getIfPresent(p.id());
    if (x == null) {
      return null;
    }
    if (x.anchors.equals(anchorsOf(p))) {
      if (x.version == p.version() && x.eventCount == p.eventCount()) {
        return x;
      }
      if (appended != null && x.version + 1 == p.version() && x.eventCount + 1 == p.eventCount() && !x.mayContain(appended.id())) {
        try {
          x.add(appended);
        } catch (RuntimeException | Error failed) {
          timelines.invalidate(p.id()); // half added: never used again
          throw failed;
        }
        x.version = p.version();
        x.eventCount = p.eventCount();
        if (fitsTheCache(x)) {
          timelines.put(p.id(), x); // weighed again
        } else {
          timelines.invalidate(p.id()); // outgrew its share: used this once, not kept
        }
        return x;
      }
    }
    timelines.invalidate(p.id());
    return null;
  }

  /**
   * Whether {@code x} may be kept: at most a quarter of the cache's bound. A bigger index would
   * push most other profiles' indexes out (and the cache would soon evict it anyway); such a
   * profile is evaluated from one read of its timeline each time, as without the cache (decided
   * before building one from its event count, {@link #reevaluation}, except for profiles near the
   * bound). Logged once per instance.
   */
  private boolean fitsTheCache(TimelineIndex x) {
    if (x.bytes() <= config.timelineCacheBytes() / 4) {
      return true;
    }
    logTooBig(x.bytes());
    return false;
  }

  /** Logs, once per instance, that a profile's index of about {@code bytes} is too big to keep. */
  private void logTooBig(long bytes) {
    if (!oversizedLogged) {
      oversizedLogged = true;
      LOG.info("a profile's timeline index (at least {} bytes) exceeds a quarter of the segments' timeline cache ({} bytes):"
          + " profiles that large are re-evaluated from a full read of their timeline; raise"
          + " SegmentConfig.Builder.timelineCacheBytes to keep them", bytes, config.timelineCacheBytes());
    }
  }

  private static Set<Identifier> anchorsOf(Profile p) {
    List<IdentifierState> ids = p.identifiers();
    Set<Identifier> out = new HashSet<>(ids.size() * 2);
    for (IdentifierState s : ids) {
      out.add(s.identifier());
    }
    return out;
  }

  /** Drops the cached timeline index of {@code id}, under its lock. */
  private void forgetTimeline(ProfileId id) {
    if (timelines == null) {
      return;
    }
    Lock lock = locks.get(id);
    lock.lock();
    try {
      timelines.invalidate(id);
    } finally {
      lock.unlock();
    }
  }

  /** Drops the cached timeline index of {@code id}; caller holds its lock. */
  private void forgetTimelineLocked(ProfileId id) {
    if (timelines != null) {
      timelines.invalidate(id);
    }
  }

  /**
   * Package-private switch for tests and benchmarks: when {@code on}, every re-evaluation reads
   * the profile's whole timeline from the store, as before the timeline cache existed (the
   * reference that the cached path must equal).
   */
  void fullReread(boolean on) {
    fullReread = on;
    if (on && timelines != null) {
      timelines.invalidateAll();
    }
  }

  /** The number of cached timeline indexes (for tests). */
  long cachedTimelines() {
    if (timelines == null) {
      return 0;
    }
    timelines.cleanUp();
    return timelines.estimatedSize();
  }

  /**
   * Profiles merged away leave every segment; returns those that left one, for
   * {@link #reevaluateIfRestored} once the other evaluations are done.
   */
  private List<ProfileId> leaveAll(List<ProfileId> gone, Instant asOf, Optional<Event> cause) {
    if (gone.isEmpty()) {
      return List.of();
    }
    List<ProfileId> left = new ArrayList<>(0);
    for (ProfileId id : gone) {
      Lock lock = locks.get(id);
      lock.lock();
      try {
        if (leaveAllLocked(id, asOf, cause) > 0) {
          left.add(id);
        }
      } finally {
        lock.unlock();
      }
    }
    return left;
  }

  /**
   * Evaluates again each profile of {@code left} (gone when it left its segments) that a split,
   * on another node, restored meanwhile (see "Concurrency and triggers" above). Its first read is
   * the check: a profile still gone has nothing current to leave, so that costs one profile read
   * and one membership read. Each is tried on its own: a failure is counted (as {@code failure}
   * and the exception's class) and the others are still checked.
   */
  private void reevaluateIfRestored(List<ProfileId> left, Instant asOf, String failure) {
    for (ProfileId id : left) {
      try {
        reevaluate(id, asOf, Optional.empty(), null, false);
      } catch (RuntimeException e) {
        triggers.evaluationFailed(failure + ": " + e.getClass().getName());
      }
    }
  }

  private long leaveAllLocked(ProfileId id, Instant asOf, Optional<Event> cause) {
    forgetTimelineLocked(id);
    long n = 0;
    for (String s : memberships.current(id)) {
      if (memberships.leave(id, s, asOf, cause.map(Event::id))) {
        n++;
        triggers.dispatch(new SegmentTransition(s, SegmentTransition.Kind.LEAVE, id, Optional.empty(), asOf, cause));
      }
    }
    return n;
  }

  private Evaluation evaluation(Profile p, Instant asOf) {
    return new Evaluation(p, asOf, storage, config.figures(), reachability, thresholds);
  }

  /** Profiles in id order, one store page at a time. */
  private final class PagingIterator implements Iterator<Profile> {
    private final ArrayDeque<Profile> buffer = new ArrayDeque<>();
    private Optional<ProfileId> after = Optional.empty();
    private boolean exhausted;

    @Override
    public boolean hasNext() {
      if (buffer.isEmpty() && !exhausted) {
        List<Profile> page = storage.profiles(after, PAGE);
        buffer.addAll(page);
        exhausted = page.size() < PAGE;
        if (!page.isEmpty()) {
          after = Optional.of(page.get(page.size() - 1).id());
        }
      }
      return !buffer.isEmpty();
    }

    @Override
    public Profile next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return buffer.poll();
    }
  }
}
