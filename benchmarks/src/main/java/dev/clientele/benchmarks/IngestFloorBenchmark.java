package dev.clientele.benchmarks;

import dev.clientele.Clientele;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.identity.IdentityResolver;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.ResolvedIdentifiers;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A diagnostic, not Clientele's figure: the cost of a minimal, hand-written, flat,
 * single-threaded in-memory ingest engine (primitive arrays, no immutable {@code Profile}
 * objects, no SPI) doing the work issue #3 requires, on the same {@link EventFixture} events as
 * {@link IngestBenchmark} and in the same JMH shape, so that it can be run beside
 * {@link IngestBenchmark#baselineHashMap}. It answers "how cheap can ingest with resolution be at
 * all?".
 *
 * <p>Three cumulative levels, one benchmark each, a fourth that reorders the third, and a fifth
 * that combines every saving found:
 *
 * <ol>
 *   <li>{@link #floorNormalize}: per event the real {@link IdentityResolver#resolve} under
 *       {@link IdentityRules#defaults()} (a new resolver per invocation, so its cache starts
 *       cold, as Clientele's does), then per linkable identifier a lookup or insert in a flat
 *       open-addressing index keyed by the normalised (type, value), giving a person ordinal;
 *       events are counted per person. No linking: an event goes to the person of its first
 *       known identifier, its unknown identifiers join that person.
 *   <li>{@link #floorResolve}: real linking. An event's identifiers, in priority order, gather
 *       a group: an identifier held by another profile merges that profile in (union-find with
 *       path halving; the survivor is the group's first profile, that of the highest-priority
 *       identifier); an unheld one attaches. The unique rule of {@code customer_id}: a profile
 *       holding one customer id never merges with, or attaches, another; the identifier that
 *       would do it is refused (counted) and stays where it was. Malformed identifiers are
 *       attached but never join profiles (one held elsewhere is refused, as Clientele does).
 *       Blocked values are counted and dropped. Per profile a flat record: event count,
 *       first-seen and last-seen epoch millis, identifier count, customer-id ordinal, per-type
 *       counts and merged-profile count. The per-type limits (email 5, phone 5, push token 10,
 *       anonymous id 5 a week) and the caps (500 identifiers, 100 merged profiles) are
 *       <em>pre-checked</em> by counting, as Clientele's fast path does; an event that would
 *       need the full check (with link-time windows) is counted in {@code overLimit} and the
 *       check throws unless that count is 0, i.e. the floor only claims to be right on inputs
 *       where no limit can bite (this fixture).
 *   <li>{@link #floorStore}: what a profile store must keep. An event-id duplicate check (a flat
 *       hash table; a duplicate is not applied); every applied event kept (the resolved event,
 *       as Clientele stores it) and reachable from its profile's timeline (an int linked list,
 *       newest to oldest, concatenated on merge); every identifier reachable from its profile
 *       (the same kind of list) with its first- and last-seen times; and attributes: every event
 *       data key set on the profile, last write wins by event time (ties: the later-stored
 *       event), combined on merge by the same rule. An attribute entry is (key code, stored
 *       event ordinal, time): its value is that stored event's data under the key, read in O(1),
 *       not copied.
 *   <li>{@code floorStoreGrouped*} (level 4): level 3's work and end state, the events taken in
 *       batches ({@link #floorStoreGrouped4k}, {@link #floorStoreGrouped16k},
 *       {@link #floorStoreGrouped64k}): phase 1 runs level 3's duplicate check and linking per
 *       event in arrival order (so the partition, refusals and stored ordinals are level 3's);
 *       phase 2 sorts the batch's applied events stably by their final component (a counting
 *       sort on dense component numbers); phase 3 applies each component's events together
 *       (event count, first/last seen, timeline, attributes), its profile record and attribute
 *       blocks hot. The {@code Touch} variants first resolve the whole batch and load every
 *       index slot, identifier record and owner record it will need, so the CPU overlaps those
 *       misses, before phase 1; {@link #floorStoreTouch4k} does the touch pass without the
 *       grouping (each event applied in phase 1, as level 3 does). The only difference from
 *       level 3's state: a profile's timeline <em>list order</em> (a batch's events are appended
 *       after the batch's merges, not between them); as a set it is the same. After its last
 *       invocation each trial checks that result against a level-3 ingest of the same events
 *       ({@link Floor#sameResult}).
 *   <li>{@link #floorBest} (level 5, {@link BestFloor}): level 3's linking and storage with the
 *       flat resolver of {@link ResolveFloorBenchmark}, a touch pass per batch of 1 024 (no
 *       grouping), cache-line-aligned profile records and attribute blocks, exactly Clientele's
 *       attributes and order summaries (not every data key), and arrays presized from the event
 *       count; {@link #floorBestUnsized} and {@link #floorBestNoTouch} leave out the presizing or
 *       the touch pass. Checked per invocation ({@link BestFloor#verify}), held to a level-3
 *       ingest once per trial ({@link BestFloor#samePartition}) and to Clientele in {@link #main}.
 * </ol>
 *
 * <p>What the floor leaves out, compared with Clientele (so its figure is a lower bound, not a
 * design that is done):
 *
 * <ul>
 *   <li>the merge log (append-only records of every link and merge, with what each side held),
 *       {@code explain} and {@code split}; survivorship rules other than "latest observation
 *       wins" (Clientele: most recently updated profile's id survives, per-attribute strategies,
 *       most restrictive consent); the choice of survivor id;
 *   <li>per-identifier state beyond first/last seen (source, link time, active sightings,
 *       deliverability marks such as malformed);
 *   <li>consent state and its ledger, reachability, list subscriptions,
 *       order summaries, active-event spans, CCPA flags, tags, segments and their incremental
 *       updates, the MAU/activity indexes;
 *   <li>the full limit check with sliding windows and the refusal records (only pre-checked,
 *       see above), split-separation records, erasure tombstones;
 *   <li>the storage SPI, immutable {@code Profile} versions that readers can hold, ids
 *       ({@link ProfileId}s are not drawn; profiles are ordinals), per-event
 *       {@code IngestResult}s and stats objects, concurrency (locks, stripes, retries) and
 *       thread safety: the floor is single-threaded and readers are not served during ingest;
 *   <li>timelines are kept in arrival order per profile and concatenated on merge, not sorted by
 *       time; attribute blocks and index entries dropped on merge are not reclaimed;
 *   <li>attribute values are not copied or validated: an attribute names the stored event that
 *       set it (Clientele builds an {@code Attribute} with source and time).
 * </ul>
 *
 * <p>Levels 3 and 4 do more than Clientele in one respect: every event data key is an attribute
 * (Clientele keeps the data of {@code identify} events, the device as {@code last_device} and
 * order totals). Level 5 keeps exactly Clientele's.
 *
 * <pre>
 * java -Djmh.ignoreLock=true -jar benchmarks/target/benchmarks.jar '(IngestBenchmark.baselineHashMap|IngestFloorBenchmark.*)$' -f 1 -wi 1 -i 3 -jvmArgs -Xmx8g
 * java -cp benchmarks/target/benchmarks.jar dev.clientele.benchmarks.IngestFloorBenchmark [events people]
 * </pre>
 *
 * <p>The {@link #main} check runs the levels on a smaller fixture (level 4 with batches of 1, 7,
 * 4 096, 16 384 and more than the fixture, with and without the touch pass, and with duplicates
 * inside and across batches, each compared with level 3) and compares level 3 with
 * {@link Clientele#inMemory()} on the same events: profile count, profiles created and
 * merged, and that both engines partition the identifiers into the same profiles with the same
 * event and identifier counts. It does the same on hand-made events for what the fixture never
 * exercises (the unique rule, malformed values, duplicates, only-blocked events, characters above
 * 255), where level 4 in batches of 1, 2, 3, 5 and 16 is held to level 3 and to Clientele, and
 * shows that an event past a limit is counted and fails the check. Every benchmark
 * invocation is checked too (untimed, in {@link #check}): counts, every stored event on exactly
 * one live timeline, every identifier on exactly one live profile, first/last seen, and every
 * attribute equal to a model (the latest observation among the profile's events).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(EventFixture.DEFAULT_EVENTS)
public class IngestFloorBenchmark {
  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
  private List<Event> events;
  private int distinctEventIds;
  private final IdentityRules rules = IdentityRules.defaults();
  private IdentityResolver resolver;
  private ResolveFloorBenchmark.FlatResolver flat;
  private Floor floor;
  private BestFloor best;
  private long cpuStart;

  /** Builds the fixture once per trial, untimed, and counts its distinct event ids for the check. */
  @Setup(Level.Trial)
  public void generate() {
    EventFixture fixture = EventFixture.defaults();
    events = fixture.events();
    distinctEventIds = countDistinctIds(events);
    System.out.println();
    System.out.println("fixture: " + fixture.summary());
  }

  /** A new resolver (cold cache) per invocation, a {@code System.gc()} beforehand, untimed. */
  @Setup(Level.Invocation)
  public void freshInstance() {
    floor = null;
    best = null;
    resolver = null;
    flat = null;
    System.gc();
    resolver = new IdentityResolver(IdentityRules.defaults());
    flat = new ResolveFloorBenchmark.FlatResolver(IdentityRules.defaults(), false);
    cpuStart = THREADS.getCurrentThreadCpuTime();
  }

  /** Prints the CPU time per event (as {@link IngestBenchmark} does), then checks the result, untimed. */
  @TearDown(Level.Invocation)
  public void check() {
    long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
    System.out.printf(java.util.Locale.ROOT, "%n  cpu per event: %.0f ns (this thread %.0f, second thread %.0f)%n",
        (double) cpu / events.size(), (double) cpu / events.size(), 0.0);
    if (best != null) {
      best.verify(events.size(), distinctEventIds);
      System.out.println("  " + best.summary());
      return;
    }
    floor.verify(events.size(), distinctEventIds);
    System.out.println("  " + floor.summary());
  }

  /**
   * After the trial's last invocation (so that its garbage does not fall into a measured
   * iteration): a level-4 result must equal a level-3 ingest of the same events.
   */
  @TearDown(Level.Trial)
  public void compareWithLevel3() {
    if (best != null) {
      Floor reference = new Floor(new IdentityResolver(IdentityRules.defaults()), Floor.STORE);
      reference.ingestAll(events);
      String diff = best.samePartition(reference);
      if (diff != null) {
        throw new IllegalStateException("the best floor differs from level 3: " + diff);
      }
      System.out.println("  same partition, counts, timelines and identifier sightings as level 3");
    }
    if (floor != null && floor.batch > 0) {
      Floor reference = new Floor(new IdentityResolver(IdentityRules.defaults()), Floor.STORE);
      reference.ingestAll(events);
      String diff = Floor.sameResult(reference, floor);
      if (diff != null) {
        throw new IllegalStateException("level 4 differs from level 3: " + diff);
      }
      System.out.println("  same result as level 3 (partition, counts, per-profile events, times and attributes)");
    }
  }

  /** Level 1: resolve, index lookup/insert per linkable identifier, events per person; no linking. */
  @Benchmark
  public Floor floorNormalize() {
    floor = new Floor(resolver, Floor.NORMALIZE);
    floor.ingestAll(events);
    return floor;
  }

  /** Level 2: level 1 plus linking (merges, the unique rule, malformed attach) and flat profile records. */
  @Benchmark
  public Floor floorResolve() {
    floor = new Floor(resolver, Floor.RESOLVE);
    floor.ingestAll(events);
    return floor;
  }

  /** Level 3: level 2 plus duplicate check, stored events, timelines, identifier lists and attributes. */
  @Benchmark
  public Floor floorStore() {
    floor = new Floor(resolver, Floor.STORE);
    floor.ingestAll(events);
    return floor;
  }

  /** Level 4, batches of 4 096: level 3's work and end state, a batch's events applied grouped by component. */
  @Benchmark
  public Floor floorStoreGrouped4k() {
    return grouped(4096, false);
  }

  /** Level 4, batches of 16 384. */
  @Benchmark
  public Floor floorStoreGrouped16k() {
    return grouped(16384, false);
  }

  /** Level 4, batches of 65 536. */
  @Benchmark
  public Floor floorStoreGrouped64k() {
    return grouped(65536, false);
  }

  /** Level 4, batches of 4 096, with a touch pass before phase 1 (overlapped index misses). */
  @Benchmark
  public Floor floorStoreGroupedTouch4k() {
    return grouped(4096, true);
  }

  /** Level 4, batches of 16 384, with a touch pass before phase 1. */
  @Benchmark
  public Floor floorStoreGroupedTouch16k() {
    return grouped(16384, true);
  }

  /** Level 3 in batches of 4 096 with the touch pass but without grouping (the touch pass alone). */
  @Benchmark
  public Floor floorStoreTouch4k() {
    floor = new Floor(resolver, Floor.STORE, 4096, true, false);
    floor.ingestAll(events);
    return floor;
  }

  /** Level 4, batches of 1 024, with a touch pass before phase 1. */
  @Benchmark
  public Floor floorStoreGroupedTouch1k() {
    return grouped(1024, true);
  }

  /**
   * Level 5, the best floor ({@link BestFloor}): the flat resolver, a touch pass per batch of
   * {@value BestFloor#DEFAULT_BATCH} (no grouping), cache-line-aligned records and attribute
   * blocks, Clientele's attributes and order summaries, arrays presized from the event count.
   */
  @Benchmark
  public BestFloor floorBest() {
    return best(BestFloor.DEFAULT_BATCH, true, true);
  }

  /** {@link #floorBest} without presizing: the arrays start small and grow while timed, as in level 3. */
  @Benchmark
  public BestFloor floorBestUnsized() {
    return best(BestFloor.DEFAULT_BATCH, true, false);
  }

  /** {@link #floorBest} without the touch pass (events resolved and applied one at a time). */
  @Benchmark
  public BestFloor floorBestNoTouch() {
    return best(1, false, true);
  }

  private BestFloor best(int batch, boolean touch, boolean presize) {
    best = new BestFloor(flat, rules, batch, touch, presize);
    best.ingestAll(events);
    return best;
  }

  private Floor grouped(int batch, boolean touch) {
    floor = new Floor(resolver, Floor.STORE, batch, touch);
    floor.ingestAll(events);
    return floor;
  }

  private static int countDistinctIds(List<Event> events) {
    Set<String> ids = new HashSet<>(events.size() * 2);
    for (Event e : events) {
      ids.add(e.id());
    }
    return ids.size();
  }

  /**
   * Runs the levels (level 4 held to level 3) on a fixture ({@code [events people]}, default 100 000 and 20 000) and
   * compares level 3 with Clientele's in-memory ingest of the same events; exits non-zero on a
   * difference. Prints counts only, no identifier values.
   *
   * @param args optional event and people counts
   */
  public static void main(String[] args) {
    int eventCount = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int people = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    List<Event> events = EventFixture.generate(eventCount, people, EventFixture.DEFAULT_SEED).events();
    int distinct = countDistinctIds(events);
    Floor store = null;
    for (int level = Floor.NORMALIZE; level <= Floor.STORE; level++) {
      Floor f = new Floor(new IdentityResolver(IdentityRules.defaults()), level);
      f.ingestAll(events);
      f.verify(events.size(), distinct);
      System.out.println("level " + level + ": " + f.summary());
      store = f;
    }
    // Duplicates are not applied: the same events again change nothing but the duplicate count.
    Floor twice = new Floor(new IdentityResolver(IdentityRules.defaults()), Floor.STORE);
    twice.ingestAll(events);
    twice.ingestAll(events.subList(0, Math.min(1000, events.size())));
    twice.verify(events.size() + Math.min(1000, events.size()), distinct);
    if (twice.duplicates != Math.min(1000, events.size()) || twice.liveProfiles() != store.liveProfiles()) {
      throw new IllegalStateException("duplicates were applied: " + twice.summary());
    }
    // Level 4: the same result as level 3 for batch sizes from one event to more than the fixture.
    for (int batch : new int[] {1, 7, 4096, 16384, 1 << 20}) {
      for (int variant = 0; variant < 3; variant++) { // grouped; grouped with touch; touch only
        Floor g = new Floor(new IdentityResolver(IdentityRules.defaults()), Floor.STORE, batch, variant > 0,
            variant < 2);
        g.ingestAll(events);
        g.verify(events.size(), distinct);
        String diff = Floor.sameResult(store, g);
        if (diff != null) {
          throw new IllegalStateException(
              "level 4 (batch " + batch + ", variant " + variant + ") differs from level 3: " + diff);
        }
        String summary = g.summary();
        System.out.println("level 4: " + summary.substring(summary.indexOf("; ") + 2) + ": same result as level 3");
      }
    }
    // Level 4 with duplicates inside one batch and across batches.
    List<Event> repeated = new java.util.ArrayList<>(events);
    repeated.addAll(events.subList(0, Math.min(1000, events.size())));
    for (int batch : new int[] {1000, 1 << 20}) {
      Floor g = new Floor(new IdentityResolver(IdentityRules.defaults()), Floor.STORE, batch, batch > 1000);
      g.ingestAll(repeated);
      g.verify(repeated.size(), distinct);
      String diff = Floor.sameResult(twice, g);
      if (diff != null) {
        throw new IllegalStateException("level 4 with duplicates (batch " + batch + ") differs from level 3: " + diff);
      }
    }
    System.out.println("level 4: duplicates within and across batches: same result as level 3");
    try (Clientele c = Clientele.inMemory()) {
      c.ingestAll(events);
      System.out.println("clientele: profiles " + c.profileCount() + ", created " + c.stats().profilesCreated()
          + ", merged " + c.stats().profilesMerged());
      String diff = store.compareWith(c);
      if (diff != null) {
        System.out.println("DIFFERENT: " + diff);
        System.exit(1);
      }
      System.out.println("same partition of identifiers into profiles, same event and identifier counts per profile");
      // Level 5 (the best floor), in every variant: its own checks, level 3's partition and
      // Clientele's partition, attributes and order summaries.
      for (int batch : new int[] {1, 7, BestFloor.DEFAULT_BATCH, 1 << 20}) {
        for (int variant = 0; variant < 4; variant++) { // touch and presize on or off
          boolean touch = (variant & 1) != 0;
          boolean presize = (variant & 2) != 0;
          BestFloor b = new BestFloor(new ResolveFloorBenchmark.FlatResolver(IdentityRules.defaults(), false),
              IdentityRules.defaults(), batch, touch, presize);
          b.ingestAll(events);
          b.verify(events.size(), distinct);
          String d = b.samePartition(store);
          if (d == null) {
            d = b.compareWith(c);
          }
          if (d != null) {
            throw new IllegalStateException("best floor (batch " + batch + ", touch " + touch + ", presize " + presize
                + "): " + d);
          }
        }
      }
      System.out.println("best floor (batches 1, 7, 1024, 2^20; touch and presize on and off): same partition as"
          + " level 3; same partition, attributes and order summaries as Clientele");
    }
    // The best floor with duplicates within and across batches.
    BestFloor bt = new BestFloor(new ResolveFloorBenchmark.FlatResolver(IdentityRules.defaults(), false),
        IdentityRules.defaults(), 1000, true, true);
    bt.ingestAll(repeated);
    bt.verify(repeated.size(), distinct);
    String dt = bt.samePartition(twice);
    if (dt != null) {
      throw new IllegalStateException("best floor with duplicates differs from level 3: " + dt);
    }
    System.out.println("best floor: duplicates within and across batches: same result as level 3");
    edgeCases();
  }

  /**
   * What the fixture never exercises, held to Clientele on a few hand-made events: the unique
   * rule (a link and an attach refused), a malformed value attached, found alone and refused
   * elsewhere, an anonymous profile merged, a duplicate and an event with only blocked values.
   */
  private static void edgeCases() {
    java.time.Instant t = java.time.Instant.parse("2026-03-01T10:00:00Z");
    List<Event> events = List.of(
        edge("x1", t, 0, "customer_id", "cus-a", "email", "a@example.com"),
        edge("x2", t, 1, "customer_id", "cus-b", "email", "b@example.com"),
        edge("x3", t, 2, "email", "A@example.com", "email", "b@example.com"), // unique: link to b refused
        edge("x4", t, 3, "customer_id", "cus-c", "email", "a@example.com"), // unique: join of a refused
        edge("x5", t, 4, "anonymous_id", "dev-1"),
        edge("x6", t, 5, "email", "b@example.com", "anonymous_id", "dev-1"), // merge of the anonymous profile
        edge("x7", t, 6, "phone", "12", "anonymous_id", "dev-2"), // malformed phone attached
        edge("x8", t, 7, "phone", "12", "customer_id", "cus-a"), // malformed held elsewhere: refused
        edge("x9", t, 8, "email", "not-an-email"), // malformed alone: new profile
        edge("x10", t, 9, "email", "not-an-email "), // malformed alone: finds its owner
        edge("x1", t, 10, "customer_id", "cus-a", "email", "a@example.com"), // duplicate
        edge("x11", t, 11, "customer_id", "null", "anonymous_id", "undefined"), // only blocked: rejected
        edge("x12", t, 12, "customer_id", "cus-b", "customer_id", "cus-a"), // unique: one refused
        edge("x13", t, 13, "customer_id", "\u5ba2\u6237-1", "anonymous_id", "dev-3"), // characters above 255
        edge("x14", t, 14, "anonymous_id", "dev-\u00e9"), // Latin-1 above 127
        edge("x15", t, 15, "customer_id", "\u5ba2\u6237-1", "anonymous_id", "dev-\u00e9")); // merge through both
    Floor f = new Floor(new IdentityResolver(IdentityRules.defaults()), Floor.STORE);
    f.ingestAll(events);
    f.verify(events.size(), events.size() - 1);
    System.out.println("edge cases: " + f.summary());
    // Level 4 on the edge cases: one batch for all (merges, refusals and the duplicate inside it),
    // and batches that cut between them.
    for (int batch : new int[] {1, 2, 3, 5, 16}) {
      for (int variant = 0; variant < 3; variant++) { // grouped; grouped with touch; touch only
        Floor g = new Floor(new IdentityResolver(IdentityRules.defaults()), Floor.STORE, batch, variant > 0,
            variant < 2);
        g.ingestAll(events);
        g.verify(events.size(), events.size() - 1);
        String diff = Floor.sameResult(f, g);
        if (diff != null) {
          throw new IllegalStateException("level 4 edge cases (batch " + batch + ", variant " + variant + "): " + diff);
        }
        try (Clientele c = Clientele.inMemory()) {
          c.ingestAll(events);
          diff = g.compareWith(c);
          if (diff != null) {
            throw new IllegalStateException("level 4 edge cases (batch " + batch + ") differ from Clientele: " + diff);
          }
        }
      }
    }
    System.out.println(
        "level 4 edge cases (batches of 1, 2, 3, 5, 16): same result as level 3 and same partition as Clientele");
    bestEdgeCases(events, f);
    try (Clientele c = Clientele.inMemory()) {
      c.ingestAll(events);
      dev.clientele.IngestStats s = c.stats();
      System.out.println("clientele edge cases: " + s);
      String diff = f.compareWith(c);
      if (diff == null && s.linksRefused() != f.uniqueRefusals + f.malformedRefusals) {
        diff = "refusals: floor " + (f.uniqueRefusals + f.malformedRefusals) + ", clientele " + s.linksRefused();
      }
      if (diff == null && (s.duplicates() != f.duplicates || s.rejected() != f.rejected || s.applied() != f.applied
          || s.profilesCreated() != f.created || s.profilesMerged() != f.merges)) {
        diff = "counts differ";
      }
      if (diff != null) {
        System.out.println("DIFFERENT (edge cases): " + diff);
        System.exit(1);
      }
      System.out.println("edge cases: same partition, counts and refusals as Clientele");
    }
    // A sixth email on one profile reaches Clientele's limit of five: the floor only counts it
    // (it does not decide limits) and its check refuses to vouch for the result.
    Floor limited = new Floor(new IdentityResolver(IdentityRules.defaults()), Floor.STORE);
    List<Event> sixEmails = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      sixEmails.add(edge("l" + i, t, i, "customer_id", "cus-l", "email", "l" + i + "@example.com"));
    }
    limited.ingestAll(sixEmails);
    if (limited.overLimit != 1) {
      throw new IllegalStateException("the limit pre-check missed a sixth email: " + limited.summary());
    }
    boolean refused = false;
    try {
      limited.verify(sixEmails.size(), sixEmails.size());
    } catch (IllegalStateException expected) {
      refused = expected.getMessage().contains("reach a limit or cap");
    }
    if (!refused) {
      throw new IllegalStateException("verify vouched for a result past a limit");
    }
    System.out.println("limits: a sixth email is counted as over the limit and fails the check");
  }

  /**
   * The best floor on the edge cases (held to level 3's partition and to Clientele) and on more
   * events for what it keeps: attributes tied at one time (decided by source, then by value),
   * across a merge; order totals as a decimal, a long and a string, zero, missing and not a
   * number; an attribute name that is not one.
   */
  private static void bestEdgeCases(List<Event> edges, Floor level3) {
    for (int batch : new int[] {1, 2, 3, 16}) {
      BestFloor b = new BestFloor(new ResolveFloorBenchmark.FlatResolver(IdentityRules.defaults(), false),
          IdentityRules.defaults(), batch, batch > 1, batch > 2);
      b.ingestAll(edges);
      b.verify(edges.size(), edges.size() - 1);
      String diff = b.samePartition(level3);
      try (Clientele c = Clientele.inMemory()) {
        c.ingestAll(edges);
        if (diff == null) {
          diff = b.compareWith(c);
        }
      }
      if (diff != null) {
        throw new IllegalStateException("best floor edge cases (batch " + batch + "): " + diff);
      }
    }
    java.time.Instant t = java.time.Instant.parse("2026-03-02T10:00:00Z");
    List<Event> more = List.of(
        keeps("y1", "identify", t, "web", "customer_id", "cus-y", "first_name", "Ann", "city", "Bern", "device", "iPhone"),
        keeps("y2", "identify", t, "mobile", "customer_id", "cus-y", "first_name", "Anna"), // tie: web wins
        keeps("y3", "pageview", t, "web", "customer_id", "cus-y", "device", "Android"), // tie: "iPhone" wins
        keeps("y4", "identify", t, "web", "anonymous_id", "dev-w", "city", "Zurich"), // tie with y1 after the merge
        keeps("y5", "login", t.plusSeconds(60), "web", "customer_id", "cus-y", "anonymous_id", "dev-w"), // merge
        keeps("y6", "order", t.plusSeconds(120), "web", "customer_id", "cus-y", "total", new BigDecimal("12.50")),
        keeps("y7", "order", t.plusSeconds(180), "web", "customer_id", "cus-y", "total", 3L),
        keeps("y8", "order", t.plusSeconds(240), "web", "customer_id", "cus-y", "total", " 7.25 "),
        keeps("y9", "order", t.plusSeconds(300), "web", "customer_id", "cus-y", "total", BigDecimal.ZERO),
        keeps("y10", "order", t.plusSeconds(360), "web", "customer_id", "cus-y"),
        keeps("y11", "order", t.plusSeconds(420), "web", "customer_id", "cus-y", "total", "n/a"),
        keeps("y12", "order", t.minusSeconds(60), "mobile", "anonymous_id", "dev-o", "total", new BigDecimal("1E+2")),
        keeps("y13", "identify", t.plusSeconds(480), "web", "anonymous_id", "dev-o", "Bad_Name", "x", "device", " "),
        keeps("y14", "login", t.plusSeconds(540), "web", "customer_id", "cus-y", "anonymous_id", "dev-o"));
    List<Event> all = new java.util.ArrayList<>(edges);
    all.addAll(more);
    for (int batch : new int[] {1, 4, 64}) {
      BestFloor b = new BestFloor(new ResolveFloorBenchmark.FlatResolver(IdentityRules.defaults(), false),
          IdentityRules.defaults(), batch, batch > 1, batch > 4);
      b.ingestAll(all);
      b.verify(all.size(), all.size() - 1);
      try (Clientele c = Clientele.inMemory()) {
        c.ingestAll(all);
        String diff = b.compareWith(c);
        if (diff != null) {
          throw new IllegalStateException("best floor edge cases with attributes and orders (batch " + batch + "): "
              + diff);
        }
      }
      if (b.attributeProblems == 0 || b.orderProblems != 2) {
        throw new IllegalStateException("best floor edge cases: problems not counted: " + b.summary());
      }
    }
    System.out.println("best floor edge cases: same partition as level 3; same partition, attributes (ties, merges)"
        + " and order summaries as Clientele");
  }

  private static Event keeps(String id, String type, java.time.Instant at, String source, Object... pairs) {
    Event.Builder b = Event.builder(id, type, at).action("x").source(source);
    for (int i = 0; i < pairs.length; i += 2) {
      String k = (String) pairs[i];
      if (i < 4 && (k.equals("customer_id") || k.equals("anonymous_id"))) {
        b.identifier(IdentifierType.of(k), (String) pairs[i + 1]);
      } else {
        b.data(k, pairs[i + 1]);
      }
    }
    return b.build();
  }

  private static Event edge(String id, java.time.Instant t, int minutes, String... typeValues) {
    Event.Builder b = Event.builder(id, "identify", t.plusSeconds(60L * minutes)).action("update");
    for (int i = 0; i < typeValues.length; i += 2) {
      b.identifier(IdentifierType.of(typeValues[i]), typeValues[i + 1]);
    }
    return b.data("city", "Leeds").build();
  }

  /**
   * The floor engine: flat arrays, single-threaded. One instance ingests at one level.
   * Not part of Clientele's API; see the class comment of {@link IngestFloorBenchmark}.
   *
   * <p>Layout, chosen so that one event touches few cache lines:
   *
   * <ul>
   *   <li>identifier index: open addressing over {@code long} slots holding the hash and the
   *       address of the identifier's record, so a probe reads a record only on a full hash match;
   *   <li>per identifier: one record in a byte arena (1 MiB chunks, never copied): ordinal,
   *       owner, next-in-profile, type, length, first and last seen, then the value's characters
   *       (one byte each when all are below 256), so the key comparison, the owner and the
   *       sighting times are one or two cache lines, with no {@code String} kept;
   *   <li>per profile: one {@code int[]} record of {@value #REC} ints (64 bytes): parent, counts
   *       (the per-type ones a byte each), first and last seen, list heads and tails;
   *   <li>timelines and identifier lists link each new element to the previous newest, written
   *       at the new element's own place, so appending touches no other element;
   *   <li>attributes: blocks of {@value #BLOCK} entries, chained per profile, all primitives;
   *   <li>event ids: open addressing over {@code long} slots holding the hash and the ordinal.
   * </ul>
   */
  public static final class Floor {
    static final int NORMALIZE = 1;
    static final int RESOLVE = 2;
    static final int STORE = 3;

    /** Type codes of the built-in types; host-defined types get codes from {@link #otherTypes}. */
    private static final int CUSTOMER_ID = 0;
    private static final int EMAIL = 1;
    private static final int PHONE = 2;
    private static final int PUSH_TOKEN = 3;
    private static final int ANONYMOUS_ID = 4;
    /** Clientele's default limits per type code (customer id: unique, so 1). */
    private static final int[] LIMITS = {1, 5, 5, 10, 5};
    private static final int MAX_IDENTIFIERS = 500;
    private static final int MAX_MERGES = 100;
    /** Identifier records: 1 MiB chunks of an arena, addressed by {@code chunk << CHUNK_BITS | position}. */
    private static final int CHUNK_BITS = 20;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final int POS_MASK = CHUNK - 1;
    // Identifier record fields (byte offsets): ordinal, owner at attach, next in profile, type,
    // flags, length in chars, first seen, last seen, then the value's chars (1 or 2 bytes each).
    private static final int R_ORD = 0;
    private static final int R_OWNER = 4;
    private static final int R_PREV = 8; // the profile's identifier attached before this one
    private static final int R_TYPE = 12;
    private static final int R_FLAGS = 13;
    private static final int R_LEN = 14;
    private static final int R_FIRST = 16;
    private static final int R_LAST = 24;
    private static final int R_DATA = 32;
    private static final int MALFORMED = 1;
    private static final int WIDE = 2; // chars stored as UTF-16LE
    private static final java.lang.invoke.VarHandle INT =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle LONG =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    // Profile record fields (ints).
    private static final int REC = 16;
    private static final int PARENT = 0;
    private static final int EVENTS = 1;
    private static final int IDS = 2;
    private static final int CID = 3; // customer-id identifier ordinal, -1 if none
    private static final int MERGED = 4;
    /** Values held of email, phone, push token, anonymous id: one byte each (saturating at 255). */
    private static final int TYPE_COUNTS = 5;
    private static final int FIRST_SEEN = 6; // a long as two ints, low first
    private static final int LAST_SEEN = 8;
    private static final int ID_HEAD = 10;
    private static final int ID_TAIL = 11;
    private static final int TL_HEAD = 12;
    private static final int TL_TAIL = 13;
    private static final int ATTR_HEAD = 14;
    /** Level 4: the profile's component number in the batch being grouped (scratch, per batch). */
    private static final int BATCH_COMPONENT = 15;
    /** Attribute entries per block. */
    private static final int BLOCK = 8;

    private final IdentityResolver resolver;
    private final int level;
    private final Map<IdentifierType, Integer> otherTypes = new HashMap<>();
    private final List<IdentifierType> typeByCode = new java.util.ArrayList<>(
        List.of(IdentifierType.CUSTOMER_ID, IdentifierType.EMAIL, IdentifierType.PHONE, IdentifierType.PUSH_TOKEN,
            IdentifierType.ANONYMOUS_ID));

    // Identifier index: slot = hash << 32 | record address (never 0); 0 = empty. An identifier
    // is known by its record's address ("handle"); its ordinal is kept in the record.
    private long[] idSlots = new long[1024];
    private int idCount;
    private byte[][] chunks = {new byte[CHUNK]};
    private int[] chunkUsed = {8}; // address 0 is never a record

    // Profiles (persons at level 1).
    private int profileCount;
    private int[] rec = new int[256 * REC];

    // STORE: events and their id table: slot = hash << 32 | (ordinal + 1).
    private Event[] stored = new Event[1024];
    /** Per stored event: the profile's event stored before it (timelines link newest to oldest). */
    private int[] evPrev = new int[1024];
    private int storedCount;
    private long[] eventSlots = new long[2048];
    /** The event {@link #resolveAndLink} last resolved, identifiers normalised. */
    private Event resolvedEvent;
    /** Per event: the ordinals (and type codes) of identifiers indexed but not yet given a profile. */
    private int[] pending = new int[8];
    private int[] pendingType = new int[8];

    // STORE: attributes. Keys as codes (+1; 0 = empty entry), blocks of BLOCK entries.
    private String[] keyTable = new String[64];
    private int[] keyCodes = new int[64];
    private String[] keyNames = new String[16]; // by code - 1
    private int keyCount;
    /**
     * Attribute blocks of {@value #BLOCK} entries in {@code 2 * BLOCK} longs: first the entries'
     * {@code key code << 32 | event ordinal} (0 = empty; the value is that stored event's data
     * under the key), then their observation times, so a key search reads one cache line.
     */
    private long[] attr = new long[1024 * 2 * BLOCK];
    private int[] blockNext = new int[1024];
    private int blockCount;
    private int attrCount;

    // Counts.
    long received;
    long applied;
    long rejected;
    long duplicates;
    long created;
    long merges;
    long uniqueRefusals;
    long malformedRefusals;
    long blockedValues;
    long malformedValues;
    long overLimit;

    // Level 4 (grouped): the batch size (0: one event at a time, levels 1-3), whether phase 1 is
    // preceded by a touch pass, and per-batch scratch arrays.
    private final int batch;
    private final boolean touch;
    /** Whether a batch is applied grouped by component (phases 2 and 3); if not, per event in phase 1. */
    private final boolean group;
    private int[] batchRoot;
    private long[] batchAt;
    private int[] batchComponent;
    private int[] batchOrder;
    private int[] componentStart;
    private ResolvedIdentifiers[] batchResolved;
    /** Level 4 diagnostics: batches, and (component, batch) pairs that had applied events. */
    long batches;
    long batchComponents;
    /** Level 4 touch pass: a sum of what it loaded, kept so the loads are not optimised away. */
    long touchSink;

    Floor(IdentityResolver resolver, int level) {
      this(resolver, level, 0, false, false);
    }

    /**
     * A floor at {@code level}; with {@code batch > 0} (level {@link #STORE} only) the grouped
     * engine of level 4, in batches of {@code batch} events, with a touch pass if {@code touch}.
     */
    Floor(IdentityResolver resolver, int level, int batch, boolean touch) {
      this(resolver, level, batch, touch, true);
    }

    /**
     * As {@link #Floor(IdentityResolver, int, int, boolean)}; with {@code group} false a batch's
     * events are applied one by one in phase 1 as level 3 does (no phases 2 and 3), so that the
     * touch pass can be measured without the grouping.
     */
    Floor(IdentityResolver resolver, int level, int batch, boolean touch, boolean group) {
      if (batch < 0 || (batch > 0 && level != STORE) || (touch && batch == 0)) {
        throw new IllegalArgumentException("grouping is a level-3 engine option: level " + level + ", batch " + batch);
      }
      this.resolver = resolver;
      this.level = level;
      this.batch = batch;
      this.touch = touch;
      this.group = group;
      if (batch > 0) {
        batchRoot = new int[batch];
        batchAt = new long[batch];
        batchComponent = new int[batch];
        batchOrder = new int[batch];
        componentStart = new int[batch];
        batchResolved = touch ? new ResolvedIdentifiers[batch] : null;
      }
    }

    /** Ingests {@code events} in order. */
    void ingestAll(List<Event> events) {
      if (batch > 0) {
        for (int from = 0, n = events.size(); from < n; from += batch) {
          ingestBatch(events, from, Math.min(n, from + batch));
        }
        return;
      }
      for (int i = 0, n = events.size(); i < n; i++) {
        Event e = events.get(i);
        received++;
        switch (level) {
          case NORMALIZE -> normalizeOnly(e);
          case RESOLVE -> resolveAndLink(e, false);
          default -> store(e);
        }
      }
    }

    /** Profiles alive now (at level 1: persons). */
    long liveProfiles() {
      return level == NORMALIZE ? profileCount : created - merges;
    }

    // ---------------------------------------------------------------- level 1

    private void normalizeOnly(Event event) {
      ResolvedIdentifiers r = resolver.resolve(event);
      List<Identifier> linkable = r.linkable();
      blockedValues += r.blocked().size();
      if (!r.hasAnchor()) {
        rejected++;
        return;
      }
      int person = -1;
      int pendingCount = 0;
      for (int i = 0, n = linkable.size(); i < n; i++) {
        Identifier id = linkable.get(i);
        int type = typeCode(id.type());
        String value = id.value();
        int hash = hash(type, value);
        int slot = findSlot(type, value, hash);
        long s = idSlots[slot];
        if (s == 0) {
          pendingCount = addPending(pendingCount, insertIdentifier(slot, type, value, hash, false), type);
        } else if (person < 0) {
          person = getInt((int) s, R_OWNER);
        }
      }
      if (person < 0) { // no known identifier (or only malformed ones, not indexed at this level)
        person = newProfile();
      }
      for (int i = 0; i < pendingCount; i++) {
        putInt(pending[i], R_OWNER, person);
      }
      rec[person * REC + EVENTS]++;
      applied++;
    }

    private int addPending(int count, int ord, int type) {
      if (count == pending.length) {
        pending = Arrays.copyOf(pending, count * 2);
        pendingType = Arrays.copyOf(pendingType, count * 2);
      }
      pending[count] = ord;
      pendingType[count] = type;
      return count + 1;
    }

    // ---------------------------------------------------------------- level 2

    /**
     * Resolves and links one event; returns the profile it was applied to, or -1 if rejected.
     * {@code store} says whether identifier lists and sighting times are kept (level 3).
     *
     * <p>As in Clientele's planner, a new profile is made only when no existing profile takes
     * the event: unheld identifiers wait in {@link #pending} until the group is known.
     */
    private int resolveAndLink(Event event, boolean store) {
      return link(event, resolver.resolve(event), store, false);
    }

    /**
     * The linking of {@link #resolveAndLink} on an event already resolved to {@code r}. With
     * {@code defer} (level 4) the profile's event count and first/last seen are left to the
     * batch's apply phase; everything the linking decisions read is updated here.
     */
    private int link(Event event, ResolvedIdentifiers r, boolean store, boolean defer) {
      resolvedEvent = r.event();
      List<Identifier> linkable = r.linkable();
      List<Identifier> malformed = r.malformed();
      blockedValues += r.blocked().size();
      malformedValues += malformed.size();
      if (!r.hasAnchor()) {
        rejected++;
        return -1;
      }
      long at = event.timestamp().toEpochMilli();
      int group = -1;
      int groupCustomerId = -1; // the customer-id ordinal the group holds or attaches
      int pendingCount = 0;
      boolean limitsPossible = false;
      for (int i = 0, n = linkable.size(); i < n; i++) {
        Identifier id = linkable.get(i);
        int type = typeCode(id.type());
        String value = id.value();
        int hash = hash(type, value);
        int slot = findSlot(type, value, hash);
        long s = idSlots[slot];
        if (s != 0) {
          int ord = (int) s;
          int owner = find(getInt(ord, R_OWNER));
          if (owner != group) {
            int theirs = rec[owner * REC + CID];
            if (theirs >= 0 && groupCustomerId >= 0 && theirs != groupCustomerId) {
              uniqueRefusals++; // the identifier stays with its owner
              continue;
            }
            if (group < 0) {
              group = owner;
            } else {
              merge(group, owner);
              limitsPossible = true;
            }
            if (groupCustomerId < 0) {
              groupCustomerId = theirs;
            }
          }
          if (store) {
            see(ord, at);
          }
        } else {
          if (type == CUSTOMER_ID && groupCustomerId >= 0) {
            uniqueRefusals++; // a second customer id: attached nowhere
            continue;
          }
          int ord = insertIdentifier(slot, type, value, hash, false);
          if (type == CUSTOMER_ID) {
            groupCustomerId = ord;
          }
          pendingCount = addPending(pendingCount, ord, type);
        }
      }
      for (int i = 0, n = malformed.size(); i < n; i++) {
        Identifier id = malformed.get(i);
        int type = typeCode(id.type());
        String value = id.value();
        int hash = hash(type, value);
        int slot = findSlot(type, value, hash);
        long s = idSlots[slot];
        if (s != 0) {
          int ord = (int) s;
          int owner = find(getInt(ord, R_OWNER));
          if (owner != group) {
            if (group >= 0 || !linkable.isEmpty()) {
              malformedRefusals++; // held by another profile: never joins two
              continue;
            }
            group = owner; // a malformed value alone finds its owner
          }
          if (store) {
            see(ord, at);
          }
        } else {
          pendingCount = addPending(pendingCount, insertIdentifier(slot, type, value, hash, true), type);
        }
      }
      if (group < 0) {
        if (pendingCount == 0) {
          rejected++; // every identifier refused
          return -1;
        }
        group = newProfile();
      }
      for (int i = 0; i < pendingCount; i++) {
        attach(group, pending[i], pendingType[i], at, store);
        limitsPossible = true;
      }
      if (limitsPossible && mightExceedLimits(group)) {
        overLimit++;
      }
      applied++;
      if (defer) {
        return group;
      }
      int g = group * REC;
      rec[g + EVENTS]++;
      if (at < time(g + FIRST_SEEN)) {
        setTime(g + FIRST_SEEN, at);
      }
      if (at > time(g + LAST_SEEN)) {
        setTime(g + LAST_SEEN, at);
      }
      return group;
    }

    /**
     * Whether the group's counts reach past a limit or cap: where Clientele's general path would
     * check link-time windows and might refuse. Counts only (windows ignored, which counts more).
     */
    private boolean mightExceedLimits(int p) {
      int r = p * REC;
      if (rec[r + IDS] > MAX_IDENTIFIERS || rec[r + MERGED] > MAX_MERGES) {
        return true;
      }
      int counts = rec[r + TYPE_COUNTS];
      for (int t = EMAIL; t <= ANONYMOUS_ID; t++) { // a second customer id is refused, never held
        if (((counts >>> (8 * (t - 1))) & 0xFF) > LIMITS[t]) {
          return true;
        }
      }
      return false;
    }

    /** The long at int index {@code i} of {@link #rec} (two ints, low first). */
    private long time(int i) {
      return (long) rec[i + 1] << 32 | (rec[i] & 0xFFFFFFFFL);
    }

    private void setTime(int i, long value) {
      rec[i] = (int) value;
      rec[i + 1] = (int) (value >>> 32);
    }

    /** Per-byte sum of packed type counts, each saturating at 255. */
    private static int addCounts(int a, int b) {
      int sum = 0;
      for (int shift = 0; shift < 32; shift += 8) {
        sum |= Math.min(255, ((a >>> shift) & 0xFF) + ((b >>> shift) & 0xFF)) << shift;
      }
      return sum;
    }

    private void attach(int p, int ord, int type, long at, boolean store) {
      int r = p * REC;
      putInt(ord, R_OWNER, p);
      rec[r + IDS]++;
      if (type >= EMAIL && type <= ANONYMOUS_ID) {
        rec[r + TYPE_COUNTS] = addCounts(rec[r + TYPE_COUNTS], 1 << (8 * (type - 1)));
      }
      if (type == CUSTOMER_ID) {
        rec[r + CID] = ord;
      }
      if (store) {
        putLong(ord, R_FIRST, at);
        putLong(ord, R_LAST, at);
        putInt(ord, R_PREV, rec[r + ID_TAIL]); // its own record: no other line touched
        if (rec[r + ID_HEAD] < 0) {
          rec[r + ID_HEAD] = ord;
        }
        rec[r + ID_TAIL] = ord;
      }
    }

    private void see(int ord, long at) {
      byte[] c = chunks[ord >>> CHUNK_BITS];
      int i = ord & POS_MASK;
      if (at < (long) LONG.get(c, i + R_FIRST)) {
        LONG.set(c, i + R_FIRST, at);
      }
      if (at > (long) LONG.get(c, i + R_LAST)) {
        LONG.set(c, i + R_LAST, at);
      }
    }

    private int getInt(int handle, int field) {
      return (int) INT.get(chunks[handle >>> CHUNK_BITS], (handle & POS_MASK) + field);
    }

    private void putInt(int handle, int field, int value) {
      INT.set(chunks[handle >>> CHUNK_BITS], (handle & POS_MASK) + field, value);
    }

    private long getLong(int handle, int field) {
      return (long) LONG.get(chunks[handle >>> CHUNK_BITS], (handle & POS_MASK) + field);
    }

    private void putLong(int handle, int field, long value) {
      LONG.set(chunks[handle >>> CHUNK_BITS], (handle & POS_MASK) + field, value);
    }

    /** Merges profile {@code from} into {@code into} (both roots). */
    private void merge(int into, int from) {
      int a = into * REC;
      int b = from * REC;
      rec[b + PARENT] = into;
      merges++;
      rec[a + EVENTS] += rec[b + EVENTS];
      rec[a + IDS] += rec[b + IDS];
      rec[a + MERGED] += rec[b + MERGED] + 1;
      if (rec[a + CID] < 0) {
        rec[a + CID] = rec[b + CID];
      }
      rec[a + TYPE_COUNTS] = addCounts(rec[a + TYPE_COUNTS], rec[b + TYPE_COUNTS]);
      setTime(a + FIRST_SEEN, Math.min(time(a + FIRST_SEEN), time(b + FIRST_SEEN)));
      setTime(a + LAST_SEEN, Math.max(time(a + LAST_SEEN), time(b + LAST_SEEN)));
      if (level == STORE) {
        // Identifier lists and timelines: concatenated (from's oldest now follows into's newest).
        if (rec[b + ID_HEAD] >= 0) {
          if (rec[a + ID_HEAD] < 0) {
            rec[a + ID_HEAD] = rec[b + ID_HEAD];
          } else {
            putInt(rec[b + ID_HEAD], R_PREV, rec[a + ID_TAIL]);
          }
          rec[a + ID_TAIL] = rec[b + ID_TAIL];
        }
        if (rec[b + TL_HEAD] >= 0) {
          if (rec[a + TL_HEAD] < 0) {
            rec[a + TL_HEAD] = rec[b + TL_HEAD];
          } else {
            evPrev[rec[b + TL_HEAD]] = rec[a + TL_TAIL];
          }
          rec[a + TL_TAIL] = rec[b + TL_TAIL];
        }
        mergeAttributes(into, from);
        rec[b + ID_HEAD] = -1;
        rec[b + ID_TAIL] = -1;
        rec[b + TL_HEAD] = -1;
        rec[b + TL_TAIL] = -1;
        rec[b + ATTR_HEAD] = -1;
      }
    }

    /** Union-find root with path halving. */
    private int find(int p) {
      int[] r = rec;
      int up;
      while ((up = r[p * REC + PARENT]) != p) {
        int upUp = r[up * REC + PARENT];
        r[p * REC + PARENT] = upUp;
        p = upUp;
      }
      return p;
    }

    // ---------------------------------------------------------------- level 3

    private void store(Event event) {
      String eventId = event.id();
      int hash = mix(eventId.hashCode());
      long[] slots = eventSlots;
      int mask = slots.length - 1;
      int slot = hash & mask;
      for (long s; (s = slots[slot]) != 0; slot = (slot + 1) & mask) {
        if ((int) (s >>> 32) == hash && stored[(int) s - 1].id().equals(eventId)) {
          duplicates++;
          return;
        }
      }
      int p = resolveAndLink(event, true);
      if (p < 0) {
        return;
      }
      // Kept: the resolved event (identifiers normalised; the event itself when no value
      // changed), as Clientele stores it.
      int ordinal = storedCount;
      if (ordinal == stored.length) {
        int cap = ordinal * 2;
        stored = Arrays.copyOf(stored, cap);
        evPrev = Arrays.copyOf(evPrev, cap);
      }
      stored[ordinal] = resolvedEvent;
      int r = p * REC;
      evPrev[ordinal] = rec[r + TL_TAIL]; // written at the new event's place: no other line touched
      storedCount++;
      slots[slot] = ((long) hash << 32) | (ordinal + 1);
      if (storedCount * 2 > slots.length) {
        growEventSlots();
      }
      if (rec[r + TL_HEAD] < 0) {
        rec[r + TL_HEAD] = ordinal;
      }
      rec[r + TL_TAIL] = ordinal;
      long at = event.timestamp().toEpochMilli();
      // forEach walks an ImmutableMap's own arrays; keySet() would make (and keep) a view per map.
      event.data().forEach((key, value) -> setAttribute(p, attrCode(key), ordinal, at));
    }

    /** The code of an event data key, plus 1: a small open table, the same key instance found by reference. */
    private int attrCode(String key) {
      String[] table = keyTable;
      int mask = table.length - 1;
      int slot = mix(key.hashCode()) & mask;
      for (String k; (k = table[slot]) != null; slot = (slot + 1) & mask) {
        if (k == key || k.equals(key)) {
          return keyCodes[slot];
        }
      }
      table[slot] = key;
      keyCodes[slot] = ++keyCount;
      if (keyCount > keyNames.length) {
        keyNames = Arrays.copyOf(keyNames, keyNames.length * 2);
      }
      keyNames[keyCount - 1] = key;
      if (keyCount * 2 > table.length) {
        String[] oldKeys = table;
        int[] oldCodes = keyCodes;
        keyTable = new String[table.length * 2];
        keyCodes = new int[table.length * 2];
        int m = keyTable.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
          if (oldKeys[i] != null) {
            int s = mix(oldKeys[i].hashCode()) & m;
            while (keyTable[s] != null) {
              s = (s + 1) & m;
            }
            keyTable[s] = oldKeys[i];
            keyCodes[s] = oldCodes[i];
          }
        }
      }
      return keyCount;
    }

    /**
     * Sets attribute {@code key} (a code + 1) on profile {@code p} to the value it has in stored
     * event {@code ordinal}, observed at {@code at}, unless the profile holds a later observation
     * (a later time, or the same time from a later-stored event).
     */
    private void setAttribute(int p, int key, int ordinal, long at) {
      long entry = (long) key << 32 | (ordinal & 0xFFFFFFFFL);
      int headAt = p * REC + ATTR_HEAD;
      int last = -1;
      long[] a = attr;
      for (int b = rec[headAt]; b >= 0; b = blockNext[b]) {
        int base = b * 2 * BLOCK;
        for (int j = base, end = base + BLOCK; j < end; j++) {
          long e = a[j];
          if ((int) (e >>> 32) == key) {
            long held = a[j + BLOCK];
            if (at > held || (at == held && ordinal > (int) e)) { // ties: the later arrival
              a[j] = entry;
              a[j + BLOCK] = at;
            }
            return;
          }
          if (e == 0) { // entries fill a block in order: the key is not held
            a[j] = entry;
            a[j + BLOCK] = at;
            attrCount++;
            return;
          }
        }
        last = b;
      }
      int b = newBlock();
      if (last < 0) {
        rec[headAt] = b;
      } else {
        blockNext[last] = b;
      }
      attr[b * 2 * BLOCK] = entry;
      attr[b * 2 * BLOCK + BLOCK] = at;
      attrCount++;
    }

    /** Combines {@code from}'s attributes into {@code into}'s: per key the later observation wins. */
    private void mergeAttributes(int into, int from) {
      for (int b = rec[from * REC + ATTR_HEAD]; b >= 0; b = blockNext[b]) {
        for (int j = b * 2 * BLOCK, end = j + BLOCK; j < end && attr[j] != 0; j++) {
          attrCount--; // moved (or dropped), counted again when put
          setAttribute(into, (int) (attr[j] >>> 32), (int) attr[j], attr[j + BLOCK]);
        }
      }
    }

    private int newBlock() {
      if (blockCount == blockNext.length) {
        int cap = blockCount * 2;
        blockNext = Arrays.copyOf(blockNext, cap);
        attr = Arrays.copyOf(attr, cap * 2 * BLOCK);
      }
      int b = blockCount++;
      blockNext[b] = -1;
      return b;
    }

    // ---------------------------------------------------------------- level 4

    /**
     * Level 4: ingests {@code events[from, to)} as one batch, with the same end state as level 3
     * applying them one by one (timeline list order aside, see {@link IngestFloorBenchmark}).
     *
     * <ol>
     *   <li>Phase 1, in arrival order: the duplicate check (the event-id table is filled as
     *       events are accepted, so a later copy in the same batch is found), resolve, index
     *       lookups and inserts, union-find merges, attaches and identifier sightings: exactly
     *       level 3's linking code, in level 3's order, so the partition, refusals and counts
     *       are level 3's. Stored ordinals are drawn here, in arrival order, so attribute ties
     *       break as in level 3. Only the per-event profile work is left for phase 3.
     *   <li>Phase 2: each applied event's final root ({@code find} after the whole batch is
     *       linked), numbered densely through a scratch field of the profile record, and a
     *       stable counting sort of the batch's events by that number.
     *   <li>Phase 3, component by component, each component's events in arrival order: event
     *       count, first/last seen, timeline append and attributes on the final root.
     * </ol>
     *
     * <p>Deferring is exact because what phase 3 writes is never read by phase 1's decisions and
     * merges combine it commutatively: counts add, first/last seen are a min and a max, an
     * attribute is the maximum by (time, stored ordinal), a timeline is a set of events.
     */
    private void ingestBatch(List<Event> events, int from, int to) {
      int size = to - from;
      received += size;
      batches++;
      if (touch) {
        touchPass(events, from, to);
      }
      // Phase 1.
      int base = storedCount;
      int k = 0;
      for (int i = from; i < to; i++) {
        Event event = events.get(i);
        String eventId = event.id();
        int hash = mix(eventId.hashCode());
        long[] slots = eventSlots;
        int mask = slots.length - 1;
        int slot = hash & mask;
        boolean duplicate = false;
        for (long s; (s = slots[slot]) != 0; slot = (slot + 1) & mask) {
          if ((int) (s >>> 32) == hash && stored[(int) s - 1].id().equals(eventId)) {
            duplicate = true;
            break;
          }
        }
        if (duplicate) {
          duplicates++;
          continue;
        }
        ResolvedIdentifiers r = touch ? batchResolved[i - from] : resolver.resolve(event);
        int p = link(event, r, true, true);
        if (p < 0) {
          continue;
        }
        int ordinal = storedCount;
        if (ordinal == stored.length) {
          int cap = ordinal * 2;
          stored = Arrays.copyOf(stored, cap);
          evPrev = Arrays.copyOf(evPrev, cap);
        }
        stored[ordinal] = resolvedEvent;
        storedCount++;
        slots[slot] = ((long) hash << 32) | (ordinal + 1);
        if (storedCount * 2 > slots.length) {
          growEventSlots();
        }
        if (!group) {
          applyGrouped(p, ordinal, event.timestamp().toEpochMilli()); // p is a root now: level 3's order
          continue;
        }
        batchRoot[k] = p; // the profile at the time; its final root is found in phase 2
        batchAt[k] = event.timestamp().toEpochMilli();
        k++; // applied event k of the batch is stored ordinal base + k
      }
      if (touch) {
        Arrays.fill(batchResolved, 0, size, null);
      }
      if (!group) {
        return;
      }
      // Phase 2.
      int[] roots = batchRoot;
      for (int j = 0; j < k; j++) {
        int root = find(roots[j]);
        roots[j] = root;
        rec[root * REC + BATCH_COMPONENT] = -1;
      }
      int components = 0;
      int[] start = componentStart;
      int[] comp = batchComponent;
      for (int j = 0; j < k; j++) {
        int at = roots[j] * REC + BATCH_COMPONENT;
        int c = rec[at];
        if (c < 0) {
          c = components++;
          rec[at] = c;
          start[c] = 0;
        }
        comp[j] = c;
        start[c]++;
      }
      for (int c = 0, sum = 0; c < components; c++) {
        int count = start[c];
        start[c] = sum;
        sum += count;
      }
      int[] order = batchOrder;
      for (int j = 0; j < k; j++) {
        order[start[comp[j]]++] = j; // stable: j rises within a component
      }
      batchComponents += components;
      // Phase 3.
      for (int x = 0; x < k; x++) {
        int j = order[x];
        applyGrouped(roots[j], base + j, batchAt[j]);
      }
    }

    /** Level 4, phase 3: one applied event's profile work on its final root {@code p}. */
    private void applyGrouped(int p, int ordinal, long at) {
      int r = p * REC;
      rec[r + EVENTS]++;
      if (at < time(r + FIRST_SEEN)) {
        setTime(r + FIRST_SEEN, at);
      }
      if (at > time(r + LAST_SEEN)) {
        setTime(r + LAST_SEEN, at);
      }
      evPrev[ordinal] = rec[r + TL_TAIL];
      if (rec[r + TL_HEAD] < 0) {
        rec[r + TL_HEAD] = ordinal;
      }
      rec[r + TL_TAIL] = ordinal;
      stored[ordinal].data().forEach((key, value) -> setAttribute(p, attrCode(key), ordinal, at));
    }

    /**
     * Level 4 with a touch pass: resolves the whole batch first (no state is read), then loads,
     * for every event, its event-id slot and, for every linkable identifier, its index slot,
     * the record it names and that record's owner's profile record. These loads do not depend on
     * one another across identifiers, so the CPU can overlap their misses; phase 1 then finds
     * the lines in cache (those of identifiers first seen in the batch excepted). Nothing is
     * written: the pass changes no result.
     */
    private void touchPass(List<Event> events, int from, int to) {
      for (int i = from; i < to; i++) {
        batchResolved[i - from] = resolver.resolve(events.get(i));
      }
      long sink = 0;
      long[] eSlots = eventSlots;
      int eMask = eSlots.length - 1;
      long[] iSlots = idSlots;
      int iMask = iSlots.length - 1;
      int[] records = rec;
      for (int i = from; i < to; i++) {
        sink += eSlots[mix(events.get(i).id().hashCode()) & eMask];
        List<Identifier> linkable = batchResolved[i - from].linkable();
        for (int x = 0, n = linkable.size(); x < n; x++) {
          Identifier id = linkable.get(x);
          int hash = hash(typeCode(id.type()), id.value());
          long s = iSlots[hash & iMask];
          if (s != 0 && (int) (s >>> 32) == hash) {
            int owner = getInt((int) s, R_OWNER);
            sink += owner >= 0 ? records[owner * REC + PARENT] : owner;
          }
        }
      }
      touchSink += sink;
    }

    private void growEventSlots() {
      long[] old = eventSlots;
      long[] slots = new long[old.length * 2];
      int mask = slots.length - 1;
      for (long s : old) {
        if (s != 0) {
          int slot = (int) (s >>> 32) & mask;
          while (slots[slot] != 0) {
            slot = (slot + 1) & mask;
          }
          slots[slot] = s;
        }
      }
      eventSlots = slots;
    }

    // ---------------------------------------------------------------- index and profiles

    private int typeCode(IdentifierType type) {
      if (type == IdentifierType.ANONYMOUS_ID) {
        return ANONYMOUS_ID;
      } else if (type == IdentifierType.EMAIL) {
        return EMAIL;
      } else if (type == IdentifierType.CUSTOMER_ID) {
        return CUSTOMER_ID;
      } else if (type == IdentifierType.PHONE) {
        return PHONE;
      } else if (type == IdentifierType.PUSH_TOKEN) {
        return PUSH_TOKEN;
      }
      return otherType(type);
    }

    private int otherType(IdentifierType type) {
      for (int i = 0; i < 5; i++) { // an equal instance of a built-in type
        if (typeByCode.get(i).equals(type)) {
          return i;
        }
      }
      Integer code = otherTypes.get(type);
      if (code == null) {
        code = typeByCode.size();
        if (code > Byte.MAX_VALUE) {
          throw new IllegalStateException("more identifier types than the floor keeps");
        }
        typeByCode.add(type);
        otherTypes.put(type, code);
      }
      return code;
    }

    private static int hash(int type, String value) {
      return mix(value.hashCode() * 31 + type);
    }

    private static int mix(int h) {
      h *= 0x9E3779B9;
      return h ^ (h >>> 16);
    }

    /** The slot holding (type, value), or the empty slot where it would go. */
    private int findSlot(int type, String value, int hash) {
      long[] slots = idSlots;
      int mask = slots.length - 1;
      int slot = hash & mask;
      for (long s; (s = slots[slot]) != 0; slot = (slot + 1) & mask) {
        if ((int) (s >>> 32) == hash && sameValue((int) s, type, value)) {
          return slot;
        }
      }
      return slot;
    }

    /** Whether the record at {@code handle} is (type, value). */
    private boolean sameValue(int handle, int type, String value) {
      byte[] c = chunks[handle >>> CHUNK_BITS];
      int at = handle & POS_MASK;
      int len = value.length();
      if (c[at + R_TYPE] != type || ((c[at + R_LEN] & 0xFF) | (c[at + R_LEN + 1] & 0xFF) << 8) != len) {
        return false;
      }
      int data = at + R_DATA;
      if ((c[at + R_FLAGS] & WIDE) == 0) {
        for (int i = 0; i < len; i++) {
          if ((c[data + i] & 0xFF) != value.charAt(i)) {
            return false;
          }
        }
      } else {
        for (int i = 0; i < len; i++) {
          if (((c[data + 2 * i] & 0xFF) | (c[data + 2 * i + 1] & 0xFF) << 8) != value.charAt(i)) {
            return false;
          }
        }
      }
      return true;
    }

    /** The value of the record at {@code handle} (for checks after ingest). */
    private String valueOf(int handle) {
      byte[] c = chunks[handle >>> CHUNK_BITS];
      int at = handle & POS_MASK;
      int len = (c[at + R_LEN] & 0xFF) | (c[at + R_LEN + 1] & 0xFF) << 8;
      return (c[at + R_FLAGS] & WIDE) == 0
          ? new String(c, at + R_DATA, len, java.nio.charset.StandardCharsets.ISO_8859_1)
          : new String(c, at + R_DATA, 2 * len, java.nio.charset.StandardCharsets.UTF_16LE);
    }

    /** The size of the record at {@code handle}, a multiple of 8. */
    private int recordSize(int handle) {
      byte[] c = chunks[handle >>> CHUNK_BITS];
      int at = handle & POS_MASK;
      int len = (c[at + R_LEN] & 0xFF) | (c[at + R_LEN + 1] & 0xFF) << 8;
      int bytes = (c[at + R_FLAGS] & WIDE) == 0 ? len : 2 * len;
      return (R_DATA + bytes + 7) & ~7;
    }

    /**
     * Indexes a new identifier at {@code slot} (from {@link #findSlot}): a record in the arena,
     * owner unset (given on attach). Returns its handle.
     */
    private int insertIdentifier(int slot, int type, String value, int hash, boolean malformed) {
      int len = value.length();
      boolean wide = false;
      for (int i = 0; i < len && !wide; i++) {
        wide = value.charAt(i) > 0xFF;
      }
      int size = (R_DATA + (wide ? 2 * len : len) + 7) & ~7;
      int chunk = chunks.length - 1;
      if (chunkUsed[chunk] + size > CHUNK) {
        chunk++;
        if (chunk == 1 << (31 - CHUNK_BITS)) {
          throw new IllegalStateException("more identifier bytes than the floor's handles address");
        }
        chunks = Arrays.copyOf(chunks, chunk + 1);
        chunkUsed = Arrays.copyOf(chunkUsed, chunk + 1);
        chunks[chunk] = new byte[CHUNK];
      }
      byte[] c = chunks[chunk];
      int at = chunkUsed[chunk];
      chunkUsed[chunk] = at + size;
      int handle = chunk << CHUNK_BITS | at;
      INT.set(c, at + R_ORD, idCount++);
      INT.set(c, at + R_OWNER, -1);
      INT.set(c, at + R_PREV, -1);
      c[at + R_TYPE] = (byte) type;
      c[at + R_FLAGS] = (byte) ((malformed ? MALFORMED : 0) | (wide ? WIDE : 0));
      c[at + R_LEN] = (byte) len;
      c[at + R_LEN + 1] = (byte) (len >>> 8);
      int data = at + R_DATA;
      if (!wide) {
        for (int i = 0; i < len; i++) {
          c[data + i] = (byte) value.charAt(i);
        }
      } else {
        for (int i = 0; i < len; i++) {
          char ch = value.charAt(i);
          c[data + 2 * i] = (byte) ch;
          c[data + 2 * i + 1] = (byte) (ch >>> 8);
        }
      }
      idSlots[slot] = ((long) hash << 32) | (handle & 0xFFFFFFFFL);
      if (idCount * 2 > idSlots.length) {
        long[] slots = new long[idSlots.length * 2];
        int mask = slots.length - 1;
        for (long s : idSlots) {
          if (s != 0) {
            int i = (int) (s >>> 32) & mask;
            while (slots[i] != 0) {
              i = (i + 1) & mask;
            }
            slots[i] = s;
          }
        }
        idSlots = slots;
      }
      return handle;
    }

    private int newProfile() {
      int p = profileCount;
      if ((p + 1) * REC > rec.length) {
        rec = Arrays.copyOf(rec, rec.length * 2);
      }
      profileCount++;
      created++;
      if (level >= RESOLVE) {
        int r = p * REC;
        rec[r + PARENT] = p;
        rec[r + CID] = -1;
        rec[r + ID_HEAD] = -1;
        rec[r + ID_TAIL] = -1;
        rec[r + TL_HEAD] = -1;
        rec[r + TL_TAIL] = -1;
        rec[r + ATTR_HEAD] = -1;
        setTime(r + FIRST_SEEN, Long.MAX_VALUE);
        setTime(r + LAST_SEEN, Long.MIN_VALUE);
      }
      return p;
    }

    private boolean live(int p) {
      return level == NORMALIZE || rec[p * REC + PARENT] == p;
    }

    // ---------------------------------------------------------------- checks

    /**
     * Checks the result after ingesting {@code expectedReceived} events with {@code distinct}
     * distinct ids; throws {@link IllegalStateException} on any inconsistency.
     */
    void verify(long expectedReceived, long distinct) {
      check(received == expectedReceived, "received " + received + " of " + expectedReceived);
      check(applied + rejected + duplicates == received, "applied + rejected + duplicates != received");
      long events = 0;
      for (int p = 0; p < profileCount; p++) {
        if (live(p)) {
          events += rec[p * REC + EVENTS];
        }
      }
      check(events == applied, "events counted on live profiles " + events + " != applied " + applied);
      if (level == NORMALIZE) {
        return;
      }
      check(overLimit == 0, overLimit + " events reach a limit or cap: the floor does not decide those");
      long ids = 0;
      long live = 0;
      for (int p = 0; p < profileCount; p++) {
        if (live(p)) {
          ids += rec[p * REC + IDS];
          live++;
        }
      }
      check(ids == idCount, "identifiers counted on live profiles " + ids + " != indexed " + idCount);
      check(created - merges == live, "created - merged != live profiles");
      if (level != STORE) {
        return;
      }
      check(storedCount == applied, "stored " + storedCount + " != applied " + applied);
      check(storedCount == distinct - rejected, "stored " + storedCount + " != distinct ids " + distinct + " - rejected");
      boolean[] eventSeen = new boolean[storedCount];
      boolean[] idSeenOnce = new boolean[idCount]; // by ordinal
      long attributes = 0;
      int[] keyStamp = new int[keyCount + 1]; // the profile (+1) that last showed each key: no allocation per profile
      int[] modelStamp = new int[keyCount + 1];
      int[] modelOrdinal = new int[keyCount + 1];
      long[] modelTime = new long[keyCount + 1];
      long[] modelled = {0};
      // The model of the identifiers' sighting times: per identifier, the min and max time of the
      // stored events that carry it (their identifiers are normalised), by ordinal.
      long[] idFirst = new long[idCount];
      long[] idLast = new long[idCount];
      Arrays.fill(idFirst, Long.MAX_VALUE);
      Arrays.fill(idLast, Long.MIN_VALUE);
      for (int e = 0; e < storedCount; e++) {
        long t = stored[e].timestamp().toEpochMilli();
        List<Identifier> carried = stored[e].identifiers();
        for (int i = 0, n = carried.size(); i < n; i++) {
          Identifier id = carried.get(i);
          int type = typeCode(id.type());
          long s = idSlots[findSlot(type, id.value(), hash(type, id.value()))];
          if (s != 0) { // blocked values are not indexed
            int ord = getInt((int) s, R_ORD);
            idFirst[ord] = Math.min(idFirst[ord], t);
            idLast[ord] = Math.max(idLast[ord], t);
          }
        }
      }
      // A refused identifier is not seen by the refusing event: then only first <= last is checked.
      boolean exactSightings = uniqueRefusals + malformedRefusals == 0;
      for (int p = 0; p < profileCount; p++) {
        int r = p * REC;
        if (!live(p)) {
          check(rec[r + TL_HEAD] < 0 && rec[r + ID_HEAD] < 0 && rec[r + ATTR_HEAD] < 0,
              "a merged profile still holds events, identifiers or attributes");
          continue;
        }
        int n = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int e = rec[r + TL_TAIL]; e >= 0; e = evPrev[e]) {
          check(!eventSeen[e], "event reachable twice");
          eventSeen[e] = true;
          n++;
          // The model of the attributes: per key, the latest observation among the profile's events.
          long t = stored[e].timestamp().toEpochMilli();
          first = Math.min(first, t);
          last = Math.max(last, t);
          int profile = p;
          int ev = e;
          stored[e].data().forEach((key, value) -> {
            int known = keyCount;
            int k = attrCode(key);
            check(keyCount == known, "an event data key that no attribute was set for");
            if (modelStamp[k] != profile + 1) {
              modelled[0]++;
            }
            if (modelStamp[k] != profile + 1 || t > modelTime[k] || (t == modelTime[k] && ev > modelOrdinal[k])) {
              modelStamp[k] = profile + 1;
              modelTime[k] = t;
              modelOrdinal[k] = ev;
            }
          });
        }
        check(n == rec[r + EVENTS], "timeline length " + n + " != event count " + rec[r + EVENTS]);
        check(first == time(r + FIRST_SEEN) && last == time(r + LAST_SEEN), "first or last seen is not that of the events");
        int k = 0;
        for (int h = rec[r + ID_TAIL]; h >= 0; h = getInt(h, R_PREV)) {
          int ord = getInt(h, R_ORD);
          check(!idSeenOnce[ord], "identifier reachable twice");
          check(find(getInt(h, R_OWNER)) == p, "identifier listed on a profile that does not own it");
          check(getLong(h, R_FIRST) <= getLong(h, R_LAST), "identifier first seen after last seen");
          check(!exactSightings || (getLong(h, R_FIRST) == idFirst[ord] && getLong(h, R_LAST) == idLast[ord]),
              "identifier first/last seen is not that of the events carrying it");
          idSeenOnce[ord] = true;
          k++;
        }
        check(k == rec[r + IDS], "identifier list length " + k + " != identifier count " + rec[r + IDS]);
        for (int b = rec[r + ATTR_HEAD]; b >= 0; b = blockNext[b]) {
          for (int j = b * 2 * BLOCK; j < b * 2 * BLOCK + BLOCK && attr[j] != 0; j++) {
            int key = (int) (attr[j] >>> 32);
            int ordinal = (int) attr[j];
            check(keyStamp[key] != p + 1, "attribute held twice on one profile");
            keyStamp[key] = p + 1;
            check(ordinal >= 0 && ordinal < storedCount && stored[ordinal].data().containsKey(keyNames[key - 1])
                && stored[ordinal].timestamp().toEpochMilli() == attr[j + BLOCK], "attribute not set by its event");
            check(modelStamp[key] == p + 1 && modelOrdinal[key] == ordinal, "attribute is not the latest observation");
            attributes++;
          }
        }
      }
      check(attributes == attrCount, "attributes on live profiles " + attributes + " != " + attrCount);
      check(modelled[0] == attrCount, "attributes " + attrCount + " != distinct keys on the profiles' events " + modelled[0]);
      for (boolean b : eventSeen) {
        check(b, "a stored event is on no live timeline");
      }
      for (boolean b : idSeenOnce) {
        check(b, "an identifier is on no live profile");
      }
    }

    private static void check(boolean ok, String what) {
      if (!ok) {
        throw new IllegalStateException("floor check failed: " + what);
      }
    }

    /** Counts, for the log (no identifier values). */
    String summary() {
      return String.format(java.util.Locale.ROOT,
          "level %d: applied %,d, rejected %,d, duplicates %,d, profiles %,d (created %,d, merged %,d), identifiers %,d,"
              + " unique refusals %,d, malformed %,d (refused elsewhere %,d), blocked %,d, over limit %,d, stored %,d,"
              + " attributes %,d",
          batch > 0 ? 4 : level, applied, rejected, duplicates, liveProfiles(), created, merges, idCount,
          uniqueRefusals,
          malformedValues, malformedRefusals, blockedValues, overLimit, storedCount, attrCount)
          + (batch == 0 ? "" : String.format(java.util.Locale.ROOT,
              "; %s: batch %,d%s, %,d batches, %.3f applied events per (component, batch)",
              group ? "grouped" : "not grouped", batch, touch ? " with touch pass" : "", batches,
              group ? (double) applied / Math.max(1, batchComponents) : 1.0));
    }

    /**
     * Compares two level-3 (or level-4) floors that ingested the same events: the same counts,
     * the same stored events in the same ordinals, the same partition of identifiers into
     * profiles and, per profile, the same event and identifier counts, first/last seen, merged
     * count, events (as a set) and attributes (key and setting event). Timeline list order is
     * not compared (level 4 appends a batch's events after the batch's merges). Returns the
     * first difference (counts and ordinals only), or null.
     */
    static String sameResult(Floor a, Floor b) {
      long[] ca = {a.received, a.applied, a.rejected, a.duplicates, a.created, a.merges, a.idCount, a.uniqueRefusals,
          a.malformedRefusals, a.malformedValues, a.blockedValues, a.overLimit, a.storedCount, a.attrCount};
      long[] cb = {b.received, b.applied, b.rejected, b.duplicates, b.created, b.merges, b.idCount, b.uniqueRefusals,
          b.malformedRefusals, b.malformedValues, b.blockedValues, b.overLimit, b.storedCount, b.attrCount};
      if (!Arrays.equals(ca, cb)) {
        return "counts differ: " + Arrays.toString(ca) + " vs " + Arrays.toString(cb);
      }
      for (int e = 0; e < a.storedCount; e++) {
        if (!a.stored[e].id().equals(b.stored[e].id())) {
          return "stored ordinal " + e + " holds different events";
        }
      }
      // Profiles: a bijection between live profiles, through the identifiers.
      int[] toB = new int[a.profileCount];
      int[] toA = new int[b.profileCount];
      Arrays.fill(toB, -1);
      Arrays.fill(toA, -1);
      for (int chunk = 0; chunk < a.chunks.length; chunk++) {
        for (int at = chunk == 0 ? 8 : 0; at < a.chunkUsed[chunk]; at += a.recordSize(chunk << CHUNK_BITS | at)) {
          int h = chunk << CHUNK_BITS | at;
          int type = a.chunks[chunk][at + R_TYPE];
          String value = a.valueOf(h);
          int hash = hash(type, value);
          long s = b.idSlots[b.findSlot(type, value, hash)];
          if (s == 0) {
            return "identifier ordinal " + a.getInt(h, R_ORD) + " is not indexed in both";
          }
          int hb = (int) s;
          boolean malformedA = (a.chunks[chunk][at + R_FLAGS] & MALFORMED) != 0;
          boolean malformedB = (b.chunks[hb >>> CHUNK_BITS][(hb & POS_MASK) + R_FLAGS] & MALFORMED) != 0;
          if (malformedA != malformedB
              || a.getLong(h, R_FIRST) != b.getLong(hb, R_FIRST) || a.getLong(h, R_LAST) != b.getLong(hb, R_LAST)) {
            return "identifier ordinal " + a.getInt(h, R_ORD) + ": flags or first/last seen differ";
          }
          int pa = a.find(a.getInt(h, R_OWNER));
          int pb = b.find(b.getInt(hb, R_OWNER));
          if ((toB[pa] >= 0 && toB[pa] != pb) || (toA[pb] >= 0 && toA[pb] != pa)) {
            return "identifier ordinal " + a.getInt(h, R_ORD) + " groups differently";
          }
          toB[pa] = pb;
          toA[pb] = pa;
        }
      }
      // Events: on corresponding profiles.
      int[] ownerA = a.eventOwners();
      int[] ownerB = b.eventOwners();
      for (int e = 0; e < a.storedCount; e++) {
        if (toB[ownerA[e]] != ownerB[e]) {
          return "stored ordinal " + e + " is on different profiles";
        }
      }
      for (int pa = 0; pa < a.profileCount; pa++) {
        if (!a.live(pa)) {
          continue;
        }
        int pb = toB[pa];
        if (pb < 0) {
          return "profile ordinal " + pa + " holds no identifier";
        }
        int ra = pa * REC;
        int rb = pb * REC;
        for (int field : new int[] {EVENTS, IDS, MERGED, TYPE_COUNTS}) {
          if (a.rec[ra + field] != b.rec[rb + field]) {
            return "profile ordinal " + pa + ": record field " + field + " differs";
          }
        }
        if (a.time(ra + FIRST_SEEN) != b.time(rb + FIRST_SEEN) || a.time(ra + LAST_SEEN) != b.time(rb + LAST_SEEN)) {
          return "profile ordinal " + pa + ": first or last seen differs";
        }
        if ((a.rec[ra + CID] < 0) != (b.rec[rb + CID] < 0)) {
          return "profile ordinal " + pa + ": customer id differs";
        }
        Map<String, Integer> attrs = new HashMap<>();
        for (int blk = a.rec[ra + ATTR_HEAD]; blk >= 0; blk = a.blockNext[blk]) {
          for (int j = blk * 2 * BLOCK; j < blk * 2 * BLOCK + BLOCK && a.attr[j] != 0; j++) {
            attrs.put(a.keyNames[(int) (a.attr[j] >>> 32) - 1], (int) a.attr[j]);
          }
        }
        int seen = 0;
        for (int blk = b.rec[rb + ATTR_HEAD]; blk >= 0; blk = b.blockNext[blk]) {
          for (int j = blk * 2 * BLOCK; j < blk * 2 * BLOCK + BLOCK && b.attr[j] != 0; j++) {
            Integer ord = attrs.get(b.keyNames[(int) (b.attr[j] >>> 32) - 1]);
            if (ord == null || ord != (int) b.attr[j]) {
              return "profile ordinal " + pa + ": attributes differ";
            }
            seen++;
          }
        }
        if (seen != attrs.size()) {
          return "profile ordinal " + pa + ": attribute counts differ";
        }
      }
      return null;
    }

    /** Per stored event, the live profile whose timeline holds it. */
    private int[] eventOwners() {
      int[] owner = new int[storedCount];
      for (int p = 0; p < profileCount; p++) {
        if (live(p)) {
          for (int e = rec[p * REC + TL_TAIL]; e >= 0; e = evPrev[e]) {
            owner[e] = p;
          }
        }
      }
      return owner;
    }

    /**
     * Compares this level-3 floor with {@code c}, which ingested the same events: the same
     * number of profiles, every identifier held in both, identifiers of one floor profile on one
     * Clientele profile and vice versa, and equal event and identifier counts per profile.
     * Returns a description of the first difference (counts and ordinals only), or null.
     */
    String compareWith(Clientele c) {
      if (c.profileCount() != liveProfiles()) {
        return "profiles: floor " + liveProfiles() + ", clientele " + c.profileCount();
      }
      Map<Integer, ProfileId> toClientele = new HashMap<>();
      Map<ProfileId, Integer> toFloor = new HashMap<>();
      Map<ProfileId, Profile> profiles = new HashMap<>();
      int records = 0;
      for (int chunk = 0; chunk < chunks.length; chunk++) {
        for (int at = chunk == 0 ? 8 : 0; at < chunkUsed[chunk]; at += recordSize(chunk << CHUNK_BITS | at)) {
          int h = chunk << CHUNK_BITS | at;
          int i = getInt(h, R_ORD);
          records++;
          Optional<Profile> held = c.profile(Identifier.of(typeByCode.get(chunks[chunk][at + R_TYPE]), valueOf(h)));
          if (held.isEmpty()) {
            return "identifier ordinal " + i + " is on no Clientele profile";
          }
          int mine = find(getInt(h, R_OWNER));
          ProfileId theirs = held.get().id();
          profiles.put(theirs, held.get());
          ProfileId before = toClientele.putIfAbsent(mine, theirs);
          Integer back = toFloor.putIfAbsent(theirs, mine);
          if ((before != null && !before.equals(theirs)) || (back != null && back != mine)) {
            return "identifier ordinal " + i + " groups differently";
          }
        }
      }
      if (records != idCount) {
        return "identifier records " + records + " != " + idCount;
      }
      for (Map.Entry<Integer, ProfileId> e : toClientele.entrySet()) {
        Profile p = profiles.get(e.getValue());
        int mine = e.getKey();
        if (p.eventCount() != rec[mine * REC + EVENTS]) {
          return "profile ordinal " + mine + ": events floor " + rec[mine * REC + EVENTS] + ", clientele " + p.eventCount();
        }
        if (p.identifiers().size() != rec[mine * REC + IDS]) {
          return "profile ordinal " + mine + ": identifiers floor " + rec[mine * REC + IDS] + ", clientele "
              + p.identifiers().size();
        }
      }
      return null;
    }
  }

  /**
   * Level 5, "the best floor": the cheapest engine of this study that still does the work issue
   * #3 requires, with every saving found so far combined, and keeping exactly what Clientele
   * keeps per profile (so it is the fair floor, not level 3's superset). Against level 3:
   *
   * <ul>
   *   <li>the resolver is {@link ResolveFloorBenchmark.FlatResolver} (outputs verified equal to
   *       {@link IdentityResolver#resolve} by {@link ResolveFloorBenchmark}), made per invocation
   *       (cold tables, as level 3's resolver is cold);
   *   <li>events are taken in batches ({@value #DEFAULT_BATCH} by default): the batch is resolved
   *       first, then a touch pass loads every event-id slot, index slot, identifier record,
   *       owner record and that owner's first attribute block with independent loads, then the
   *       events are applied one by one in arrival order, exactly as level 3 does (no grouping:
   *       gfloor found that grouping buys nothing on this fixture);
   *   <li>profile records start at int {@value #RB} and attribute blocks and order summaries at
   *       long {@value #LB}: an array's data begins 16 bytes into the object (compressed class
   *       pointers), and a G1 humongous array (all of these once past a few MB) begins at a region
   *       boundary, so each 64-byte profile record is one cache line, not two;
   *   <li>an attribute block interleaves (entry, time) pairs, 8 pairs in two aligned lines, so an
   *       update reads and writes one line;
   *   <li>attributes are Clientele's ({@code ProfileChanges.apply}): an {@code identify} event's
   *       data keys but {@code device}, the {@code device} (a non-blank string) of any event as
   *       {@code last_device}, and per profile the order summary of {@code order} events with a
   *       positive {@code total} (count, revenue, first and last order); names that are not
   *       attribute names are counted and dropped, as Clientele does; ties at the same time go by
   *       {@code Attribute.OBSERVATION_ORDER} (source, then the value's text, then its class; its
   *       last step, the typed encoding of lists and maps, is left out: the fixture's attribute
   *       values are strings and numbers, which never reach it);
   *   <li>with {@code presize} the arrays are sized from the event count of {@link #ingestAll}'s
   *       list: the event table and stored events for all of them, the identifier index for as
   *       many identifiers as events, profile records, order summaries and attribute blocks for
   *       half as many profiles (still grown past that);
   *   <li>an event is kept as given (its normalised identifiers are in the index), not as a copy
   *       with normalised identifiers, since the flat resolver makes none.
   * </ul>
   *
   * <p>The identifier index and its record arena are level 3's own code: a {@link Floor} used
   * only for them ({@link #ix}). Every invocation is checked by {@link #verify} and, once per
   * trial, held to a level-3 ingest by {@link #samePartition}; {@link IngestFloorBenchmark#main}
   * holds it to Clientele, attributes and order summaries included ({@link #compareWith}).
   * Leaves out what levels 1-3 leave out (see {@link IngestFloorBenchmark}) but the attributes and
   * order summaries above.
   */
  static final class BestFloor {
    static final int DEFAULT_BATCH = 1024;
    /** Int index of profile record 0: 16 header bytes + 48 = 64 bytes into the array object. */
    static final int RB = 12;
    /** Long index of attribute block 0 and order summary 0: 16 header bytes + 48 = 64. */
    static final int LB = 6;
    private static final int REC = 16;
    private static final int PARENT = 0;
    private static final int EVENTS = 1;
    private static final int IDS = 2;
    private static final int CID = 3;
    private static final int MERGED = 4;
    private static final int TYPE_COUNTS = 5;
    private static final int FIRST_SEEN = 6;
    private static final int LAST_SEEN = 8;
    private static final int ID_HEAD = 10;
    private static final int ID_TAIL = 11;
    private static final int TL_HEAD = 12;
    private static final int TL_TAIL = 13;
    private static final int ATTR_HEAD = 14;
    /** The profile's order count (its revenue, first and last order are in {@link #orders}). */
    private static final int ORDERS = 15;
    /** Longs per profile in {@link #orders}: revenue in units of 10^-4, first order, last order, spare. */
    private static final int ORDER_LONGS = 4;
    private static final int REVENUE_SCALE = 4;
    private static final int BLOCK = 8;
    private static final int BLOCK_LONGS = 2 * BLOCK;
    /** The key code of {@code last_device}. */
    private static final int LAST_DEVICE = 1;
    private static final String IDENTIFY = "identify";
    private static final String DEVICE = "device";
    private static final String ORDER = "order";
    private static final String TOTAL = "total";
    /** Floor type codes by flat-resolver type code (HOST: looked up by type). */
    private static final int[] FLOOR_CODE = {Floor.CUSTOMER_ID, Floor.EMAIL, Floor.PHONE, Floor.PUSH_TOKEN, -1,
        Floor.ANONYMOUS_ID};

    private final ResolveFloorBenchmark.FlatResolver flat;
    private final IdentityRules rules;
    final int batch;
    final boolean touch;
    final boolean presize;
    /** Level 3's identifier index and record arena (its other arrays stay small and unused). */
    final Floor ix;

    private int profileCount;
    private int[] rec = new int[RB + 256 * REC];
    private long[] orders = new long[LB + 256 * ORDER_LONGS];
    private Event[] stored = new Event[1024];
    private int[] evPrev = new int[1024];
    private int storedCount;
    private long[] eventSlots = new long[2048];
    private int[] pending = new int[8];
    private int[] pendingType = new int[8];

    private String[] keyTable = new String[64];
    private int[] keyCodes = new int[64];
    private String[] keyNames = new String[16];
    private boolean[] keyValid = new boolean[16];
    private int keyCount;
    private long[] attr = new long[LB + 1024 * BLOCK_LONGS];
    private int[] blockNext = new int[1024];
    private int blockCount;
    private int attrCount;

    // The batch, resolved: per event its event-id hash, where its identifiers start, how many
    // are linkable, malformed and blocked; per identifier its type code, value and hash.
    private final int[] bEventHash;
    private final int[] bStart;
    private final int[] bLinkable;
    private final int[] bMalformed;
    private final int[] bBlocked;
    private int[] bCode;
    private String[] bValue;
    private int[] bHash;

    long received;
    long applied;
    long rejected;
    long duplicates;
    long created;
    long merges;
    long uniqueRefusals;
    long malformedRefusals;
    long blockedValues;
    long malformedValues;
    long overLimit;
    /** Inputs the floor does not model exactly (a total it cannot hold exactly, an identify event's own last_device key); the check fails unless 0. */
    long unmodelled;
    /** Attribute names that are not attribute names (dropped, as Clientele does). */
    long attributeProblems;
    /** Order events without a numeric total (Clientele records a problem). */
    long orderProblems;
    long touchSink;

    /**
     * A best floor resolving with {@code flat} (made for {@code rules}), in batches of
     * {@code batch} events, with a touch pass if {@code touch}, presized from the event count if
     * {@code presize}.
     */
    BestFloor(ResolveFloorBenchmark.FlatResolver flat, IdentityRules rules, int batch, boolean touch, boolean presize) {
      if (batch < 1) {
        throw new IllegalArgumentException("batch " + batch);
      }
      this.flat = flat;
      this.rules = rules;
      this.batch = batch;
      this.touch = touch;
      this.presize = presize;
      this.ix = new Floor(null, Floor.STORE);
      bEventHash = new int[batch];
      bStart = new int[batch];
      bLinkable = new int[batch];
      bMalformed = new int[batch];
      bBlocked = new int[batch];
      bCode = new int[4 * batch];
      bValue = new String[4 * batch];
      bHash = new int[4 * batch];
      attrCode("last_device"); // LAST_DEVICE
    }

    /** Ingests {@code events} in order; the first call presizes from its size if so configured. */
    void ingestAll(List<Event> events) {
      int n = events.size();
      if (presize && received == 0) {
        presize(n);
      }
      for (int from = 0; from < n; from += batch) {
        ingestBatch(events, from, Math.min(n, from + batch));
      }
    }

    private static int tableFor(int entries) {
      return Integer.highestOneBit(Math.max(2 * entries, 2) - 1) << 1; // a power of two >= 2 * entries
    }

    private void presize(int n) {
      stored = new Event[Math.max(n, 1)];
      evPrev = new int[Math.max(n, 1)];
      eventSlots = new long[tableFor(n)];
      ix.idSlots = new long[tableFor(n)];
      int profiles = Math.max(n / 2, 256);
      rec = new int[RB + profiles * REC];
      orders = new long[LB + profiles * ORDER_LONGS];
      attr = new long[LB + profiles * BLOCK_LONGS];
      blockNext = new int[profiles];
    }

    private void ingestBatch(List<Event> events, int from, int to) {
      ResolveFloorBenchmark.FlatResolver f = flat;
      int x = 0;
      for (int i = from; i < to; i++) {
        Event e = events.get(i);
        int j = i - from;
        bEventHash[j] = Floor.mix(e.id().hashCode());
        f.resolve(e);
        int nl = f.linkable;
        int n = nl + f.malformed;
        if (x + n > bCode.length) {
          int cap = Math.max(x + n, 2 * bCode.length);
          bCode = Arrays.copyOf(bCode, cap);
          bValue = Arrays.copyOf(bValue, cap);
          bHash = Arrays.copyOf(bHash, cap);
        }
        bStart[j] = x;
        bLinkable[j] = nl;
        bMalformed[j] = f.malformed;
        bBlocked[j] = f.blocked;
        int[] order = f.order;
        for (int s = 0; s < n; s++, x++) {
          int k = order[s];
          int code = FLOOR_CODE[f.codes[k]];
          if (code < 0) {
            code = ix.typeCode(f.types[k]);
          }
          String v = f.values[k];
          bCode[x] = code;
          bValue[x] = v;
          bHash[x] = Floor.hash(code, v);
        }
      }
      if (touch) {
        touchPass(to - from);
      }
      for (int i = from; i < to; i++) {
        received++;
        apply(events.get(i), i - from);
      }
    }

    /**
     * Loads, per event of the resolved batch, its event-id slot and, per linkable identifier,
     * its index slot, the record that slot names, that record's owner's profile record and the
     * owner's first attribute block. The loads of different identifiers do not depend on one
     * another, so the CPU overlaps their misses. Nothing is written.
     */
    private void touchPass(int size) {
      long sink = 0;
      long[] eSlots = eventSlots;
      int eMask = eSlots.length - 1;
      long[] iSlots = ix.idSlots;
      int iMask = iSlots.length - 1;
      int[] records = rec;
      long[] a = attr;
      for (int j = 0; j < size; j++) {
        sink += eSlots[bEventHash[j] & eMask];
        for (int x = bStart[j], end = x + bLinkable[j]; x < end; x++) {
          int hash = bHash[x];
          long s = iSlots[hash & iMask];
          if (s != 0 && (int) (s >>> 32) == hash) {
            int owner = ix.getInt((int) s, Floor.R_OWNER);
            if (owner >= 0) {
              int r = RB + owner * REC;
              int head = records[r + ATTR_HEAD];
              sink += records[r + PARENT] + (head >= 0 ? a[LB + head * BLOCK_LONGS] : 0);
            }
          }
        }
      }
      touchSink += sink;
    }

    /** Level 3's per-event work on resolved event {@code j} of the batch: duplicate check, link, store. */
    private void apply(Event event, int j) {
      int hash = bEventHash[j];
      String eventId = event.id();
      long[] slots = eventSlots;
      int mask = slots.length - 1;
      int slot = hash & mask;
      for (long s; (s = slots[slot]) != 0; slot = (slot + 1) & mask) {
        if ((int) (s >>> 32) == hash && stored[(int) s - 1].id().equals(eventId)) {
          duplicates++;
          return;
        }
      }
      blockedValues += bBlocked[j];
      long at = event.timestamp().toEpochMilli();
      int p = link(j, at);
      if (p < 0) {
        return;
      }
      int ordinal = storedCount;
      if (ordinal == stored.length) {
        int cap = ordinal * 2;
        stored = Arrays.copyOf(stored, cap);
        evPrev = Arrays.copyOf(evPrev, cap);
      }
      stored[ordinal] = event;
      storedCount++;
      slots[slot] = ((long) hash << 32) | (ordinal + 1);
      if (storedCount * 2 > slots.length) {
        growEventSlots();
      }
      int r = RB + p * REC;
      rec[r + EVENTS]++;
      if (at < time(r + FIRST_SEEN)) {
        setTime(r + FIRST_SEEN, at);
      }
      if (at > time(r + LAST_SEEN)) {
        setTime(r + LAST_SEEN, at);
      }
      evPrev[ordinal] = rec[r + TL_TAIL];
      if (rec[r + TL_HEAD] < 0) {
        rec[r + TL_HEAD] = ordinal;
      }
      rec[r + TL_TAIL] = ordinal;
      attributes(p, event, ordinal, at);
    }

    /** Level 3's linking ({@code Floor.link}) on the batch's resolved identifiers of event {@code j}. */
    private int link(int j, long at) {
      int from = bStart[j];
      int nl = bLinkable[j];
      int nm = bMalformed[j];
      malformedValues += nm;
      if (nl + nm == 0) {
        rejected++;
        return -1;
      }
      Floor index = ix;
      int group = -1;
      int groupCustomerId = -1;
      int pendingCount = 0;
      boolean limitsPossible = false;
      for (int x = from, end = from + nl; x < end; x++) {
        int type = bCode[x];
        int hash = bHash[x];
        int slot = index.findSlot(type, bValue[x], hash);
        long s = index.idSlots[slot];
        if (s != 0) {
          int h = (int) s;
          int owner = find(index.getInt(h, Floor.R_OWNER));
          if (owner != group) {
            int theirs = rec[RB + owner * REC + CID];
            if (theirs >= 0 && groupCustomerId >= 0 && theirs != groupCustomerId) {
              uniqueRefusals++;
              continue;
            }
            if (group < 0) {
              group = owner;
            } else {
              merge(group, owner);
              limitsPossible = true;
            }
            if (groupCustomerId < 0) {
              groupCustomerId = theirs;
            }
          }
          index.see(h, at);
        } else {
          if (type == Floor.CUSTOMER_ID && groupCustomerId >= 0) {
            uniqueRefusals++;
            continue;
          }
          int h = index.insertIdentifier(slot, type, bValue[x], hash, false);
          if (type == Floor.CUSTOMER_ID) {
            groupCustomerId = h;
          }
          pendingCount = addPending(pendingCount, h, type);
        }
      }
      for (int x = from + nl, end = from + nl + nm; x < end; x++) {
        int type = bCode[x];
        int hash = bHash[x];
        int slot = index.findSlot(type, bValue[x], hash);
        long s = index.idSlots[slot];
        if (s != 0) {
          int h = (int) s;
          int owner = find(index.getInt(h, Floor.R_OWNER));
          if (owner != group) {
            if (group >= 0 || nl > 0) {
              malformedRefusals++;
              continue;
            }
            group = owner;
          }
          index.see(h, at);
        } else {
          pendingCount = addPending(pendingCount, index.insertIdentifier(slot, type, bValue[x], hash, true), type);
        }
      }
      if (group < 0) {
        if (pendingCount == 0) {
          rejected++;
          return -1;
        }
        group = newProfile();
      }
      for (int i = 0; i < pendingCount; i++) {
        attach(group, pending[i], pendingType[i], at);
        limitsPossible = true;
      }
      if (limitsPossible && mightExceedLimits(group)) {
        overLimit++;
      }
      applied++;
      return group;
    }

    private int addPending(int count, int handle, int type) {
      if (count == pending.length) {
        pending = Arrays.copyOf(pending, count * 2);
        pendingType = Arrays.copyOf(pendingType, count * 2);
      }
      pending[count] = handle;
      pendingType[count] = type;
      return count + 1;
    }

    private boolean mightExceedLimits(int p) {
      int r = RB + p * REC;
      if (rec[r + IDS] > Floor.MAX_IDENTIFIERS || rec[r + MERGED] > Floor.MAX_MERGES) {
        return true;
      }
      int counts = rec[r + TYPE_COUNTS];
      for (int t = Floor.EMAIL; t <= Floor.ANONYMOUS_ID; t++) {
        if (((counts >>> (8 * (t - 1))) & 0xFF) > Floor.LIMITS[t]) {
          return true;
        }
      }
      return false;
    }

    private long time(int i) {
      return (long) rec[i + 1] << 32 | (rec[i] & 0xFFFFFFFFL);
    }

    private void setTime(int i, long value) {
      rec[i] = (int) value;
      rec[i + 1] = (int) (value >>> 32);
    }

    private void attach(int p, int handle, int type, long at) {
      int r = RB + p * REC;
      Floor index = ix;
      index.putInt(handle, Floor.R_OWNER, p);
      rec[r + IDS]++;
      if (type >= Floor.EMAIL && type <= Floor.ANONYMOUS_ID) {
        rec[r + TYPE_COUNTS] = Floor.addCounts(rec[r + TYPE_COUNTS], 1 << (8 * (type - 1)));
      }
      if (type == Floor.CUSTOMER_ID) {
        rec[r + CID] = handle;
      }
      index.putLong(handle, Floor.R_FIRST, at);
      index.putLong(handle, Floor.R_LAST, at);
      index.putInt(handle, Floor.R_PREV, rec[r + ID_TAIL]);
      if (rec[r + ID_HEAD] < 0) {
        rec[r + ID_HEAD] = handle;
      }
      rec[r + ID_TAIL] = handle;
    }

    private int find(int p) {
      int[] r = rec;
      int up;
      while ((up = r[RB + p * REC + PARENT]) != p) {
        int upUp = r[RB + up * REC + PARENT];
        r[RB + p * REC + PARENT] = upUp;
        p = upUp;
      }
      return p;
    }

    private int newProfile() {
      int p = profileCount;
      if (RB + (p + 1) * REC > rec.length) {
        int cap = 2 * ((rec.length - RB) / REC);
        rec = Arrays.copyOf(rec, RB + cap * REC);
        orders = Arrays.copyOf(orders, LB + cap * ORDER_LONGS);
      }
      profileCount++;
      created++;
      int r = RB + p * REC;
      rec[r + PARENT] = p;
      rec[r + CID] = -1;
      rec[r + ID_HEAD] = -1;
      rec[r + ID_TAIL] = -1;
      rec[r + TL_HEAD] = -1;
      rec[r + TL_TAIL] = -1;
      rec[r + ATTR_HEAD] = -1;
      setTime(r + FIRST_SEEN, Long.MAX_VALUE);
      setTime(r + LAST_SEEN, Long.MIN_VALUE);
      return p;
    }

    private boolean live(int p) {
      return rec[RB + p * REC + PARENT] == p;
    }

    /** Merges profile {@code from} into {@code into} (both roots), as level 3 does, order summaries too. */
    private void merge(int into, int from) {
      int a = RB + into * REC;
      int b = RB + from * REC;
      rec[b + PARENT] = into;
      merges++;
      rec[a + EVENTS] += rec[b + EVENTS];
      rec[a + IDS] += rec[b + IDS];
      rec[a + MERGED] += rec[b + MERGED] + 1;
      if (rec[a + CID] < 0) {
        rec[a + CID] = rec[b + CID];
      }
      rec[a + TYPE_COUNTS] = Floor.addCounts(rec[a + TYPE_COUNTS], rec[b + TYPE_COUNTS]);
      setTime(a + FIRST_SEEN, Math.min(time(a + FIRST_SEEN), time(b + FIRST_SEEN)));
      setTime(a + LAST_SEEN, Math.max(time(a + LAST_SEEN), time(b + LAST_SEEN)));
      if (rec[b + ID_HEAD] >= 0) {
        if (rec[a + ID_HEAD] < 0) {
          rec[a + ID_HEAD] = rec[b + ID_HEAD];
        } else {
          ix.putInt(rec[b + ID_HEAD], Floor.R_PREV, rec[a + ID_TAIL]);
        }
        rec[a + ID_TAIL] = rec[b + ID_TAIL];
      }
      if (rec[b + TL_HEAD] >= 0) {
        if (rec[a + TL_HEAD] < 0) {
          rec[a + TL_HEAD] = rec[b + TL_HEAD];
        } else {
          evPrev[rec[b + TL_HEAD]] = rec[a + TL_TAIL];
        }
        rec[a + TL_TAIL] = rec[b + TL_TAIL];
      }
      int theirs = rec[b + ORDERS];
      if (theirs > 0) {
        int oa = LB + into * ORDER_LONGS;
        int ob = LB + from * ORDER_LONGS;
        if (rec[a + ORDERS] == 0) {
          orders[oa] = orders[ob];
          orders[oa + 1] = orders[ob + 1];
          orders[oa + 2] = orders[ob + 2];
        } else {
          orders[oa] = Math.addExact(orders[oa], orders[ob]);
          orders[oa + 1] = Math.min(orders[oa + 1], orders[ob + 1]);
          orders[oa + 2] = Math.max(orders[oa + 2], orders[ob + 2]);
        }
        rec[a + ORDERS] += theirs;
        rec[b + ORDERS] = 0;
      }
      for (int blk = rec[b + ATTR_HEAD]; blk >= 0; blk = blockNext[blk]) {
        for (int j = LB + blk * BLOCK_LONGS, end = j + BLOCK_LONGS; j < end && attr[j] != 0; j += 2) {
          attrCount--; // moved (or dropped), counted again when put
          setAttribute(into, (int) (attr[j] >>> 32), (int) attr[j], attr[j + 1]);
        }
      }
      rec[b + ID_HEAD] = -1;
      rec[b + ID_TAIL] = -1;
      rec[b + TL_HEAD] = -1;
      rec[b + TL_TAIL] = -1;
      rec[b + ATTR_HEAD] = -1;
    }

    private void growEventSlots() {
      long[] old = eventSlots;
      long[] slots = new long[old.length * 2];
      int mask = slots.length - 1;
      for (long s : old) {
        if (s != 0) {
          int slot = (int) (s >>> 32) & mask;
          while (slots[slot] != 0) {
            slot = (slot + 1) & mask;
          }
          slots[slot] = s;
        }
      }
      eventSlots = slots;
    }

    // ---------------------------------------------------------------- what Clientele keeps

    /** Clientele's attributes and order summary ({@code ProfileChanges.apply}) from stored event {@code ordinal}. */
    private void attributes(int p, Event event, int ordinal, long at) {
      Map<String, Object> data = event.data();
      String type = event.type();
      if (type.equals(IDENTIFY)) {
        data.forEach((key, value) -> {
          if (!key.equals(DEVICE)) {
            identifyAttribute(p, key, ordinal, at);
          }
        });
      }
      if (!data.isEmpty() && data.get(DEVICE) instanceof String d && !d.isBlank()) {
        setAttribute(p, LAST_DEVICE, ordinal, at);
      }
      if (type.equals(ORDER)) {
        order(p, data.get(TOTAL), at);
      }
    }

    private void identifyAttribute(int p, String key, int ordinal, long at) {
      int code = attrCode(key);
      if (code == LAST_DEVICE) {
        unmodelled++; // an identify event's own last_device: two observations of one name, not modelled
      } else if (!keyValid[code - 1]) {
        attributeProblems++;
      } else {
        setAttribute(p, code, ordinal, at);
      }
    }

    /** The order summary: a positive total counted and added (exactly, in units of 10^-4), first and last order widened. */
    private void order(int p, Object total, long at) {
      BigDecimal t;
      if (total instanceof BigDecimal d) {
        t = d;
      } else if (total instanceof Long l) {
        t = BigDecimal.valueOf(l);
      } else if (total instanceof String s) {
        try {
          t = new BigDecimal(s.strip());
        } catch (NumberFormatException e) {
          orderProblems++;
          return;
        }
      } else {
        orderProblems++;
        return;
      }
      if (t.signum() <= 0) {
        return;
      }
      long units = revenueUnits(t);
      if (units < 0) {
        unmodelled++;
        return;
      }
      int r = RB + p * REC;
      int o = LB + p * ORDER_LONGS;
      long[] os = orders;
      if (rec[r + ORDERS]++ == 0) {
        os[o] = units;
        os[o + 1] = at;
        os[o + 2] = at;
      } else {
        os[o] = Math.addExact(os[o], units);
        if (at < os[o + 1]) {
          os[o + 1] = at;
        }
        if (at > os[o + 2]) {
          os[o + 2] = at;
        }
      }
    }

    /** A positive total in units of 10^-4, or -1 if it has more decimals or digits than a long of those holds. */
    static long revenueUnits(BigDecimal total) {
      if (total.scale() > REVENUE_SCALE || total.precision() - total.scale() > 14) {
        return -1;
      }
      return total.movePointRight(REVENUE_SCALE).longValueExact();
    }

    /** Whether {@code s} is an attribute name, {@code [a-z][a-z0-9_]{0,63}}. */
    static boolean isAttributeName(String s) {
      int n = s.length();
      if (n == 0 || n > 64 || s.charAt(0) < 'a' || s.charAt(0) > 'z') {
        return false;
      }
      for (int i = 1; i < n; i++) {
        char c = s.charAt(i);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
          return false;
        }
      }
      return true;
    }

    /** The code (from 1) of attribute key {@code key}; {@code last_device} is 1. */
    private int attrCode(String key) {
      String[] table = keyTable;
      int mask = table.length - 1;
      int slot = Floor.mix(key.hashCode()) & mask;
      for (String k; (k = table[slot]) != null; slot = (slot + 1) & mask) {
        if (k == key || k.equals(key)) {
          return keyCodes[slot];
        }
      }
      table[slot] = key;
      keyCodes[slot] = ++keyCount;
      if (keyCount > keyNames.length) {
        keyNames = Arrays.copyOf(keyNames, keyNames.length * 2);
        keyValid = Arrays.copyOf(keyValid, keyValid.length * 2);
      }
      keyNames[keyCount - 1] = key;
      keyValid[keyCount - 1] = isAttributeName(key);
      if (keyCount * 2 > table.length) {
        String[] oldKeys = table;
        int[] oldCodes = keyCodes;
        keyTable = new String[table.length * 2];
        keyCodes = new int[table.length * 2];
        int m = keyTable.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
          if (oldKeys[i] != null) {
            int s = Floor.mix(oldKeys[i].hashCode()) & m;
            while (keyTable[s] != null) {
              s = (s + 1) & m;
            }
            keyTable[s] = oldKeys[i];
            keyCodes[s] = oldCodes[i];
          }
        }
      }
      return keyCount;
    }

    /** The value attribute {@code key} takes from event {@code e}. */
    private Object attributeValue(int key, Event e) {
      return e.data().get(key == LAST_DEVICE ? DEVICE : keyNames[key - 1]);
    }

    /**
     * Whether event {@code a}'s observation of {@code key} comes after event {@code b}'s at the
     * same time, in {@code Attribute.OBSERVATION_ORDER}: by source, then the value's text, then
     * its class name (its last step, for lists and maps only, is not needed: the fixture's values
     * are strings and numbers).
     */
    private boolean laterAtSameTime(int key, int a, int b) {
      Event ea = stored[a];
      Event eb = stored[b];
      int c = ea.source().compareTo(eb.source());
      if (c != 0) {
        return c > 0;
      }
      Object va = attributeValue(key, ea);
      Object vb = attributeValue(key, eb);
      c = String.valueOf(va).compareTo(String.valueOf(vb));
      if (c != 0) {
        return c > 0;
      }
      return va.getClass().getName().compareTo(vb.getClass().getName()) > 0;
    }

    /** Sets attribute {@code key} on {@code p} from stored event {@code ordinal} at {@code at}, unless it holds a later observation. */
    private void setAttribute(int p, int key, int ordinal, long at) {
      long entry = (long) key << 32 | (ordinal & 0xFFFFFFFFL);
      int headAt = RB + p * REC + ATTR_HEAD;
      int last = -1;
      long[] a = attr;
      for (int b = rec[headAt]; b >= 0; b = blockNext[b]) {
        for (int j = LB + b * BLOCK_LONGS, end = j + BLOCK_LONGS; j < end; j += 2) {
          long e = a[j];
          if ((int) (e >>> 32) == key) {
            long held = a[j + 1];
            if (at > held || (at == held && laterAtSameTime(key, ordinal, (int) e))) {
              a[j] = entry;
              a[j + 1] = at;
            }
            return;
          }
          if (e == 0) {
            a[j] = entry;
            a[j + 1] = at;
            attrCount++;
            return;
          }
        }
        last = b;
      }
      int b = newBlock();
      if (last < 0) {
        rec[headAt] = b;
      } else {
        blockNext[last] = b;
      }
      attr[LB + b * BLOCK_LONGS] = entry;
      attr[LB + b * BLOCK_LONGS + 1] = at;
      attrCount++;
    }

    private int newBlock() {
      if (blockCount == blockNext.length) {
        int cap = blockCount * 2;
        blockNext = Arrays.copyOf(blockNext, cap);
        attr = Arrays.copyOf(attr, LB + cap * BLOCK_LONGS);
      }
      int b = blockCount++;
      blockNext[b] = -1;
      return b;
    }

    // ---------------------------------------------------------------- checks

    /** Profiles alive now. */
    long liveProfiles() {
      return created - merges;
    }

    /**
     * Level 3's checks, with the models of what Clientele keeps: counts; every stored event on
     * exactly one live timeline; first/last seen; every identifier on exactly one live profile
     * that owns it, its first/last seen the min/max time of the events carrying it (resolved
     * again by a new real {@link IdentityResolver}, independent of the flat one; exact when no
     * identifier was refused, else only first <= last); every attribute the latest observation
     * in {@code OBSERVATION_ORDER} of Clientele's attributes among the profile's events, and no
     * other; the order summaries those of the profile's order events. Throws
     * {@link IllegalStateException} on any difference.
     */
    void verify(long expectedReceived, long distinct) {
      check(received == expectedReceived, "received " + received + " of " + expectedReceived);
      check(applied + rejected + duplicates == received, "applied + rejected + duplicates != received");
      check(overLimit == 0, overLimit + " events reach a limit or cap: the floor does not decide those");
      check(unmodelled == 0, unmodelled + " inputs the best floor does not model");
      long events = 0;
      long ids = 0;
      long live = 0;
      for (int p = 0; p < profileCount; p++) {
        if (live(p)) {
          events += rec[RB + p * REC + EVENTS];
          ids += rec[RB + p * REC + IDS];
          live++;
        }
      }
      check(events == applied, "events counted on live profiles " + events + " != applied " + applied);
      check(ids == ix.idCount, "identifiers counted on live profiles " + ids + " != indexed " + ix.idCount);
      check(created - merges == live, "created - merged != live profiles");
      check(storedCount == applied, "stored " + storedCount + " != applied " + applied);
      check(storedCount == distinct - rejected, "stored " + storedCount + " != distinct ids " + distinct + " - rejected");
      long[] idFirst = new long[ix.idCount];
      long[] idLast = new long[ix.idCount];
      Arrays.fill(idFirst, Long.MAX_VALUE);
      Arrays.fill(idLast, Long.MIN_VALUE);
      IdentityResolver real = new IdentityResolver(rules);
      for (int e = 0; e < storedCount; e++) {
        long t = stored[e].timestamp().toEpochMilli();
        ResolvedIdentifiers r = real.resolve(stored[e]);
        for (List<Identifier> list : List.of(r.linkable(), r.malformed())) {
          for (Identifier id : list) {
            int type = ix.typeCode(id.type());
            long s = ix.idSlots[ix.findSlot(type, id.value(), Floor.hash(type, id.value()))];
            if (s != 0) { // a refused second customer id is indexed nowhere
              int ord = ix.getInt((int) s, Floor.R_ORD);
              idFirst[ord] = Math.min(idFirst[ord], t);
              idLast[ord] = Math.max(idLast[ord], t);
            }
          }
        }
      }
      boolean exactSightings = uniqueRefusals + malformedRefusals == 0;
      boolean[] eventSeen = new boolean[storedCount];
      boolean[] idSeenOnce = new boolean[ix.idCount];
      int[] keyStamp = new int[keyCount + 1];
      int[] modelStamp = new int[keyCount + 1];
      int[] modelOrdinal = new int[keyCount + 1];
      long[] modelTime = new long[keyCount + 1];
      long modelled = 0;
      long attributes = 0;
      for (int p = 0; p < profileCount; p++) {
        int r = RB + p * REC;
        if (!live(p)) {
          check(rec[r + TL_HEAD] < 0 && rec[r + ID_HEAD] < 0 && rec[r + ATTR_HEAD] < 0 && rec[r + ORDERS] == 0,
              "a merged profile still holds events, identifiers, attributes or orders");
          continue;
        }
        int n = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int orderCount = 0;
        long revenue = 0;
        long firstOrder = Long.MAX_VALUE;
        long lastOrder = Long.MIN_VALUE;
        for (int e = rec[r + TL_TAIL]; e >= 0; e = evPrev[e]) {
          check(!eventSeen[e], "event reachable twice");
          eventSeen[e] = true;
          n++;
          Event ev = stored[e];
          long t = ev.timestamp().toEpochMilli();
          first = Math.min(first, t);
          last = Math.max(last, t);
          // The model of Clientele's attributes: identify data but the device, the device as last_device.
          List<Integer> keys = new java.util.ArrayList<>();
          if (ev.type().equals(IDENTIFY)) {
            ev.data().forEach((key, value) -> {
              if (!key.equals(DEVICE) && isAttributeName(key)) {
                keys.add(attrCode(key));
              }
            });
          }
          if (ev.data().get(DEVICE) instanceof String d && !d.isBlank()) {
            keys.add(LAST_DEVICE);
          }
          for (int k : keys) {
            check(k <= modelStamp.length - 1, "an attribute key that no attribute was set for");
            if (modelStamp[k] != p + 1) {
              modelled++;
              modelStamp[k] = p + 1;
              modelTime[k] = t;
              modelOrdinal[k] = e;
            } else if (t > modelTime[k] || (t == modelTime[k] && laterAtSameTime(k, e, modelOrdinal[k]))) {
              modelTime[k] = t;
              modelOrdinal[k] = e;
            }
          }
          if (ev.type().equals(ORDER)) {
            java.util.Optional<BigDecimal> value = dev.clientele.core.EventData.number(ev.data(), TOTAL);
            if (value.isPresent() && value.get().signum() > 0) {
              orderCount++;
              revenue += revenueUnits(value.get());
              firstOrder = Math.min(firstOrder, t);
              lastOrder = Math.max(lastOrder, t);
            }
          }
        }
        check(n == rec[r + EVENTS], "timeline length " + n + " != event count " + rec[r + EVENTS]);
        check(first == time(r + FIRST_SEEN) && last == time(r + LAST_SEEN), "first or last seen is not that of the events");
        int o = LB + p * ORDER_LONGS;
        check(orderCount == rec[r + ORDERS]
                && (orderCount == 0 || (revenue == orders[o] && firstOrder == orders[o + 1] && lastOrder == orders[o + 2])),
            "order summary is not that of the profile's order events");
        int k = 0;
        for (int h = rec[r + ID_TAIL]; h >= 0; h = ix.getInt(h, Floor.R_PREV)) {
          int ord = ix.getInt(h, Floor.R_ORD);
          check(!idSeenOnce[ord], "identifier reachable twice");
          check(find(ix.getInt(h, Floor.R_OWNER)) == p, "identifier listed on a profile that does not own it");
          long f = ix.getLong(h, Floor.R_FIRST);
          long l = ix.getLong(h, Floor.R_LAST);
          check(f <= l, "identifier first seen after last seen");
          check(!exactSightings || (f == idFirst[ord] && l == idLast[ord]),
              "identifier first/last seen is not that of the events carrying it");
          idSeenOnce[ord] = true;
          k++;
        }
        check(k == rec[r + IDS], "identifier list length " + k + " != identifier count " + rec[r + IDS]);
        for (int b = rec[r + ATTR_HEAD]; b >= 0; b = blockNext[b]) {
          for (int j = LB + b * BLOCK_LONGS; j < LB + b * BLOCK_LONGS + BLOCK_LONGS && attr[j] != 0; j += 2) {
            int key = (int) (attr[j] >>> 32);
            int ordinal = (int) attr[j];
            check(keyStamp[key] != p + 1, "attribute held twice on one profile");
            keyStamp[key] = p + 1;
            check(ordinal >= 0 && ordinal < storedCount && attributeValue(key, stored[ordinal]) != null
                && stored[ordinal].timestamp().toEpochMilli() == attr[j + 1], "attribute not set by its event");
            check(modelStamp[key] == p + 1, "an attribute Clientele does not keep");
            int m = modelOrdinal[key];
            check(m == ordinal || (modelTime[key] == attr[j + 1] && !laterAtSameTime(key, m, ordinal)
                && !laterAtSameTime(key, ordinal, m)), "attribute is not the latest observation");
            attributes++;
          }
        }
      }
      check(attributes == attrCount, "attributes on live profiles " + attributes + " != " + attrCount);
      check(modelled == attrCount, "attributes " + attrCount + " != Clientele's attributes of the profiles' events " + modelled);
      for (boolean b : eventSeen) {
        check(b, "a stored event is on no live timeline");
      }
      for (boolean b : idSeenOnce) {
        check(b, "an identifier is on no live profile");
      }
    }

    private static void check(boolean ok, String what) {
      if (!ok) {
        throw new IllegalStateException("best floor check failed: " + what);
      }
    }

    /** Counts, for the log (no identifier values). */
    String summary() {
      return String.format(java.util.Locale.ROOT,
          "best: applied %,d, rejected %,d, duplicates %,d, profiles %,d (created %,d, merged %,d), identifiers %,d,"
              + " unique refusals %,d, malformed %,d (refused elsewhere %,d), blocked %,d, over limit %,d, stored %,d,"
              + " attributes %,d, attribute problems %,d, order problems %,d, unmodelled %,d; batch %,d%s%s",
          applied, rejected, duplicates, liveProfiles(), created, merges, ix.idCount, uniqueRefusals, malformedValues,
          malformedRefusals, blockedValues, overLimit, storedCount, attrCount, attributeProblems, orderProblems,
          unmodelled, batch, touch ? ", touch pass" : "", presize ? ", presized" : "");
    }

    /** Per stored event, the live profile whose timeline holds it. */
    private int[] eventOwners() {
      int[] owner = new int[storedCount];
      for (int p = 0; p < profileCount; p++) {
        if (live(p)) {
          for (int e = rec[RB + p * REC + TL_TAIL]; e >= 0; e = evPrev[e]) {
            owner[e] = p;
          }
        }
      }
      return owner;
    }

    /**
     * Compares this floor with a level-3 floor {@code l3} that ingested the same events: the same
     * counts, the same event in every stored ordinal, the same partition of identifiers (a
     * bijection of live profiles), per identifier the malformed flag and first/last seen, and per
     * profile the events (as a set), event, identifier, merged and per-type counts, customer id
     * held and first/last seen. Attributes are not compared (level 3 keeps every data key).
     * Returns the first difference (counts and ordinals only), or null.
     */
    String samePartition(Floor l3) {
      long[] ca = {l3.received, l3.applied, l3.rejected, l3.duplicates, l3.created, l3.merges, l3.idCount,
          l3.uniqueRefusals, l3.malformedRefusals, l3.malformedValues, l3.blockedValues, l3.overLimit, l3.storedCount};
      long[] cb = {received, applied, rejected, duplicates, created, merges, ix.idCount, uniqueRefusals,
          malformedRefusals, malformedValues, blockedValues, overLimit, storedCount};
      if (!Arrays.equals(ca, cb)) {
        return "counts differ: " + Arrays.toString(ca) + " vs " + Arrays.toString(cb);
      }
      for (int e = 0; e < storedCount; e++) {
        if (!l3.stored[e].id().equals(stored[e].id())) {
          return "stored ordinal " + e + " holds different events";
        }
      }
      int[] toB = new int[l3.profileCount];
      int[] toA = new int[profileCount];
      Arrays.fill(toB, -1);
      Arrays.fill(toA, -1);
      for (int chunk = 0; chunk < l3.chunks.length; chunk++) {
        for (int at = chunk == 0 ? 8 : 0; at < l3.chunkUsed[chunk]; at += l3.recordSize(chunk << Floor.CHUNK_BITS | at)) {
          int h = chunk << Floor.CHUNK_BITS | at;
          int type = l3.chunks[chunk][at + Floor.R_TYPE];
          String value = l3.valueOf(h);
          long s = ix.idSlots[ix.findSlot(type, value, Floor.hash(type, value))];
          if (s == 0) {
            return "identifier ordinal " + l3.getInt(h, Floor.R_ORD) + " is not indexed in both";
          }
          int hb = (int) s;
          boolean malformedA = (l3.chunks[chunk][at + Floor.R_FLAGS] & Floor.MALFORMED) != 0;
          boolean malformedB = (ix.chunks[hb >>> Floor.CHUNK_BITS][(hb & Floor.POS_MASK) + Floor.R_FLAGS]
              & Floor.MALFORMED) != 0;
          if (malformedA != malformedB || l3.getLong(h, Floor.R_FIRST) != ix.getLong(hb, Floor.R_FIRST)
              || l3.getLong(h, Floor.R_LAST) != ix.getLong(hb, Floor.R_LAST)) {
            return "identifier ordinal " + l3.getInt(h, Floor.R_ORD) + ": flags or first/last seen differ";
          }
          int pa = l3.find(l3.getInt(h, Floor.R_OWNER));
          int pb = find(ix.getInt(hb, Floor.R_OWNER));
          if ((toB[pa] >= 0 && toB[pa] != pb) || (toA[pb] >= 0 && toA[pb] != pa)) {
            return "identifier ordinal " + l3.getInt(h, Floor.R_ORD) + " groups differently";
          }
          toB[pa] = pb;
          toA[pb] = pa;
        }
      }
      int[] ownerA = l3.eventOwners();
      int[] ownerB = eventOwners();
      for (int e = 0; e < storedCount; e++) {
        if (toB[ownerA[e]] != ownerB[e]) {
          return "stored ordinal " + e + " is on different profiles";
        }
      }
      for (int pa = 0; pa < l3.profileCount; pa++) {
        if (!l3.live(pa)) {
          continue;
        }
        int pb = toB[pa];
        if (pb < 0) {
          return "profile ordinal " + pa + " holds no identifier";
        }
        int ra = pa * Floor.REC;
        int rb = RB + pb * REC;
        for (int field : new int[] {EVENTS, IDS, MERGED, TYPE_COUNTS}) {
          if (l3.rec[ra + field] != rec[rb + field]) {
            return "profile ordinal " + pa + ": record field " + field + " differs";
          }
        }
        if (l3.time(ra + Floor.FIRST_SEEN) != time(rb + FIRST_SEEN) || l3.time(ra + Floor.LAST_SEEN) != time(rb + LAST_SEEN)) {
          return "profile ordinal " + pa + ": first or last seen differs";
        }
        if ((l3.rec[ra + Floor.CID] < 0) != (rec[rb + CID] < 0)) {
          return "profile ordinal " + pa + ": customer id differs";
        }
      }
      return null;
    }

    /**
     * Compares this floor with {@code c}, which ingested the same events: the same number of
     * profiles and partition of identifiers, and per profile the event and identifier counts,
     * every attribute (name, value, source and time) and the order summary. Returns the first
     * difference (counts, ordinals and attribute names only), or null.
     */
    String compareWith(Clientele c) {
      if (c.profileCount() != liveProfiles()) {
        return "profiles: floor " + liveProfiles() + ", clientele " + c.profileCount();
      }
      Map<Integer, ProfileId> toClientele = new HashMap<>();
      Map<ProfileId, Integer> toFloor = new HashMap<>();
      Map<ProfileId, Profile> profiles = new HashMap<>();
      for (int chunk = 0; chunk < ix.chunks.length; chunk++) {
        for (int at = chunk == 0 ? 8 : 0; at < ix.chunkUsed[chunk]; at += ix.recordSize(chunk << Floor.CHUNK_BITS | at)) {
          int h = chunk << Floor.CHUNK_BITS | at;
          int i = ix.getInt(h, Floor.R_ORD);
          Optional<Profile> held = c.profile(Identifier.of(ix.typeByCode.get(ix.chunks[chunk][at + Floor.R_TYPE]),
              ix.valueOf(h)));
          if (held.isEmpty()) {
            return "identifier ordinal " + i + " is on no Clientele profile";
          }
          int mine = find(ix.getInt(h, Floor.R_OWNER));
          ProfileId theirs = held.get().id();
          profiles.put(theirs, held.get());
          ProfileId before = toClientele.putIfAbsent(mine, theirs);
          Integer back = toFloor.putIfAbsent(theirs, mine);
          if ((before != null && !before.equals(theirs)) || (back != null && back != mine)) {
            return "identifier ordinal " + i + " groups differently";
          }
        }
      }
      for (Map.Entry<Integer, ProfileId> e : toClientele.entrySet()) {
        Profile p = profiles.get(e.getValue());
        int mine = e.getKey();
        int r = RB + mine * REC;
        if (p.eventCount() != rec[r + EVENTS] || p.identifiers().size() != rec[r + IDS]) {
          return "profile ordinal " + mine + ": event or identifier counts differ";
        }
        Map<String, dev.clientele.core.Attribute> theirs = p.attributes();
        int held = 0;
        for (int b = rec[r + ATTR_HEAD]; b >= 0; b = blockNext[b]) {
          for (int j = LB + b * BLOCK_LONGS; j < LB + b * BLOCK_LONGS + BLOCK_LONGS && attr[j] != 0; j += 2) {
            int key = (int) (attr[j] >>> 32);
            Event source = stored[(int) attr[j]];
            String name = keyNames[key - 1];
            dev.clientele.core.Attribute a = theirs.get(name);
            if (a == null || !a.value().equals(attributeValue(key, source)) || !a.source().equals(source.source())
                || !a.updatedAt().equals(source.timestamp())) {
              return "profile ordinal " + mine + ": attribute " + name + " differs";
            }
            held++;
          }
        }
        if (held != theirs.size()) {
          return "profile ordinal " + mine + ": attributes floor " + held + ", clientele " + theirs.size()
              + " " + theirs.keySet();
        }
        dev.clientele.core.OrderSummary os = p.orders();
        int o = LB + mine * ORDER_LONGS;
        int count = rec[r + ORDERS];
        if (os.orderCount() != count || (count > 0 && (revenueUnits(os.revenue()) != orders[o]
            || os.firstOrder().get().toEpochMilli() != orders[o + 1]
            || os.lastOrder().get().toEpochMilli() != orders[o + 2]))) {
          return "profile ordinal " + mine + ": order summaries differ";
        }
      }
      return null;
    }
  }
}
