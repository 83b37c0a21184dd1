package dev.clientele.core.spi;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link InMemoryStorage} as ingestion uses it, checked by Lincheck. Each
 * {@code @Operation} is one call of the store over the tiny key space of {@link StoreScenario}:
 * a {@link Storage#commit} of a small fixed commit (whose outcome, applied or conflicting, is a
 * result like any other), or one read. Lincheck runs random scenarios of them on several threads
 * and checks that the results match some order of the same calls on one thread; the sequential
 * specification is the operation class itself driven by one thread. That is what the contract of
 * {@link Storage} promises: commits are linearizable, and each read sees whole commits.
 *
 * <p>Model checking runs each scenario under many interleavings, switching threads at the
 * shared-memory accesses of the store (and of {@code StampedLock}): the optimistic reads (stamp,
 * read, validate, spin, fall back to the read lock), commits taking their stripes in order, folds
 * of the sorted ids after releasing them. The jqwik properties and the thread tests only sample
 * schedules. It explores a sequentially consistent memory, so it does not find a missing fence
 * (the stress run, on real threads, might). To keep each explored scenario meaningful, the
 * operations are grouped by what they race on: the index ({@link IndexOps}), the events ({@link
 * EventOps}), paging and folds ({@link PagingOps}); a stress run covers every operation at once
 * ({@link AllOps}).
 */
class InMemoryStorageLincheckTest {
  /**
   * Loop iterations model checking allows before it takes a loop for a livelock: the store loops
   * over all 64 stripes (whole-store reads, folds), past Lincheck's default bound; its spin waits
   * end after 256 rounds by themselves.
   */
  private static final int LOOP_BOUND = 1_000;

  /**
   * Multiplies the number of scenarios of each check. In the build it is 1: few scenarios, as
   * model checking costs about a second of CPU per scenario here and Lincheck's instrumentation
   * some 15 s once per JVM. Lincheck draws scenarios from a fixed seed, so the build checks the same
   * ones each time (other ones when the operations change). A hunt for rare interleavings runs
   * {@code mvn -o -pl core test-compile surefire:test@lincheck -Dlincheck.scale=10} or more.
   */
  private static final int SCALE = Integer.getInteger("lincheck.scale", 1);

  /**
   * Model checking of {@code operations}: {@code scenarios} (times {@link #SCALE}) random scenarios,
   * each of 2 threads of 2 operations between one operation run alone before them and one after,
   * each scenario under {@code interleavings} interleavings. Two operations racing are what the
   * store's hazards take (a read meeting a commit half-applied); each operation more multiplies
   * the cost of an interleaving.
   */
  private static void modelCheck(Class<?> operations, int perThread, int scenarios, int interleavings) {
    new ModelCheckingOptions()
        .iterations(scenarios * SCALE)
        .invocationsPerIteration(interleavings)
        .threads(2)
        .actorsPerThread(perThread)
        .actorsBefore(1)
        .actorsAfter(1)
        .loopBound(LOOP_BOUND)
        .check(operations);
  }

  @Test
  void index_isLinearizable_underModelChecking() {
    modelCheck(IndexOps.class, 1, 6, 20);
  }

  @Test
  void events_areLinearizable_underModelChecking() {
    modelCheck(EventOps.class, 2, 2, 10);
  }

  @Test
  void paging_isLinearizable_underModelChecking() {
    modelCheck(PagingOps.class, 2, 2, 10);
  }

  @Test
  void everything_isLinearizable_underStress() {
    new StressOptions()
        .iterations(4 * SCALE)
        .invocationsPerIteration(150)
        .threads(3)
        .actorsPerThread(3)
        .actorsBefore(2)
        .actorsAfter(1)
        .check(AllOps.class);
  }

  /**
   * Ownership: ingestion's commits (profile written, identifier moved), merges (survivor written,
   * loser deleted, identifier moved across three stripes), removals from the index; read by
   * {@link Storage#ownedProfiles} and {@link Storage#owners}, which must each see one state over
   * several stripes. (The single-key reads {@link Storage#owner} and {@link Storage#profile} are in
   * the paging group and the stress run: each operation more here makes the races above rarer in
   * the few scenarios the build affords.)
   */
  @Param(name = "pid", gen = IntGen.class, conf = "0:1")
  @Param(name = "ident", gen = IntGen.class, conf = "0:2")
  @Param(name = "version", gen = IntGen.class, conf = "1:2")
  public static class IndexOps {
    private final StoreScenario s = new StoreScenario();

    /** A fresh store; Lincheck makes one per run. */
    public IndexOps() {}

    /** See {@link StoreScenario#create}, without an event. */
    @Operation
    public String create(@Param(name = "pid") int pid, @Param(name = "ident") int ident) {
      return s.create(pid, ident, -1);
    }

    /** See {@link StoreScenario#link}. */
    @Operation
    public String link(@Param(name = "pid") int pid, @Param(name = "version") int version, @Param(name = "ident") int ident) {
      return s.link(pid, version, ident);
    }

    /** See {@link StoreScenario#merge}. */
    @Operation
    public String merge(@Param(name = "pid") int pid) {
      return s.merge(pid);
    }

    /** See {@link StoreScenario#unassign}. */
    @Operation
    public String unassign(@Param(name = "ident") int ident, @Param(name = "pid") int pid) {
      return s.unassign(ident, pid);
    }

    /** See {@link StoreScenario#ownedProfiles}. */
    @Operation
    public String ownedProfiles() {
      return s.ownedProfiles();
    }

    /** See {@link StoreScenario#owners}. */
    @Operation
    public String owners(@Param(name = "ident") int ident) {
      return s.owners(ident);
    }
  }

  /**
   * Events: appends (alone and in ingestion's commit), erasures (every stripe), index removals
   * that drop an identifier's slot when it anchors no event; read by {@link Storage#containsEvent}
   * and {@link Storage#events}, with {@link Storage#readAhead} running meanwhile (it must change
   * nothing a read returns). {@link Storage#eventCount} stamps all 64 stripes, which makes every
   * interleaving long: it is left to the stress run.
   */
  @Param(name = "pid", gen = IntGen.class, conf = "0:1")
  @Param(name = "ident", gen = IntGen.class, conf = "0:2")
  @Param(name = "version", gen = IntGen.class, conf = "1:2")
  @Param(name = "event", gen = IntGen.class, conf = "0:1")
  public static class EventOps {
    private final StoreScenario s = new StoreScenario();

    /** A fresh store; Lincheck makes one per run. */
    public EventOps() {}

    /** See {@link StoreScenario#append}. */
    @Operation
    public String append(@Param(name = "event") int event, @Param(name = "ident") int ident) {
      return s.append(event, ident);
    }

    /** See {@link StoreScenario#create}. */
    @Operation
    public String create(@Param(name = "pid") int pid, @Param(name = "ident") int ident, @Param(name = "event") int event) {
      return s.create(pid, ident, event);
    }

    /** See {@link StoreScenario#erase}. */
    @Operation
    public String erase(@Param(name = "ident") int ident) {
      return s.erase(ident);
    }

    /** See {@link StoreScenario#unassign}. */
    @Operation
    public String unassign(@Param(name = "ident") int ident, @Param(name = "pid") int pid) {
      return s.unassign(ident, pid);
    }

    /** See {@link StoreScenario#containsEvent}. */
    @Operation
    public boolean containsEvent(@Param(name = "event") int event) {
      return s.containsEvent(event);
    }

    /** See {@link StoreScenario#events}. */
    @Operation
    public String events(@Param(name = "ident") int ident) {
      return s.events(ident);
    }

    /** See {@link StoreScenario#readAhead}. */
    @Operation
    public void readAhead() {
      s.readAhead();
    }
  }

  /**
   * Paging and the folds of the sorted ids: profiles created, updated, deleted and merged (each
   * creation or deletion logged in its stripe, a fold after the second in a stripe); read by
   * pages of {@link Storage#profiles}, {@link Storage#profileCount} and {@link Storage#profile}.
   */
  @Param(name = "pid", gen = IntGen.class, conf = "0:1")
  @Param(name = "ident", gen = IntGen.class, conf = "0:2")
  @Param(name = "version", gen = IntGen.class, conf = "1:2")
  public static class PagingOps {
    private final StoreScenario s = new StoreScenario();

    /** A fresh store; Lincheck makes one per run. */
    public PagingOps() {}

    /** See {@link StoreScenario#create}, without an event. */
    @Operation
    public String create(@Param(name = "pid") int pid, @Param(name = "ident") int ident) {
      return s.create(pid, ident, -1);
    }

    /** See {@link StoreScenario#put}. */
    @Operation
    public String put(@Param(name = "pid") int pid, @Param(name = "version") int version) {
      return s.put(pid, version);
    }

    /** See {@link StoreScenario#delete}. */
    @Operation
    public String delete(@Param(name = "pid") int pid, @Param(name = "version") int version) {
      return s.delete(pid, version);
    }

    /** See {@link StoreScenario#merge}. */
    @Operation
    public String merge(@Param(name = "pid") int pid) {
      return s.merge(pid);
    }

    /** See {@link StoreScenario#page}. */
    @Operation
    public String page(@Param(gen = IntGen.class, conf = "-1:1") int after, @Param(gen = IntGen.class, conf = "1:2") int limit) {
      return s.page(after, limit);
    }

    /** See {@link StoreScenario#profileCount}. */
    @Operation
    public long profileCount() {
      return s.profileCount();
    }

    /** See {@link StoreScenario#profile}. */
    @Operation
    public String profile(@Param(name = "pid") int pid) {
      return s.profile(pid);
    }
  }

  /** Every operation of {@link StoreScenario} at once, for the stress run. */
  @Param(name = "pid", gen = IntGen.class, conf = "0:1")
  @Param(name = "ident", gen = IntGen.class, conf = "0:2")
  @Param(name = "owner", gen = IntGen.class, conf = "-1:1")
  @Param(name = "version", gen = IntGen.class, conf = "1:2")
  @Param(name = "event", gen = IntGen.class, conf = "0:1")
  public static class AllOps {
    private final StoreScenario s = new StoreScenario();

    /** A fresh store; Lincheck makes one per run. */
    public AllOps() {}

    /** See {@link StoreScenario#put}. */
    @Operation
    public String put(@Param(name = "pid") int pid, @Param(name = "version") int version) {
      return s.put(pid, version);
    }

    /** See {@link StoreScenario#delete}. */
    @Operation
    public String delete(@Param(name = "pid") int pid, @Param(name = "version") int version) {
      return s.delete(pid, version);
    }

    /** See {@link StoreScenario#assign}. */
    @Operation
    public String assign(@Param(name = "ident") int ident, @Param(name = "owner") int owner, @Param(name = "pid") int pid) {
      return s.assign(ident, owner, pid);
    }

    /** See {@link StoreScenario#unassign}. */
    @Operation
    public String unassign(@Param(name = "ident") int ident, @Param(name = "pid") int pid) {
      return s.unassign(ident, pid);
    }

    /** See {@link StoreScenario#append}. */
    @Operation
    public String append(@Param(name = "event") int event, @Param(name = "ident") int ident) {
      return s.append(event, ident);
    }

    /** See {@link StoreScenario#create}. */
    @Operation
    public String create(@Param(name = "pid") int pid, @Param(name = "ident") int ident, @Param(name = "event") int event) {
      return s.create(pid, ident, event);
    }

    /** See {@link StoreScenario#link}. */
    @Operation
    public String link(@Param(name = "pid") int pid, @Param(name = "version") int version, @Param(name = "ident") int ident) {
      return s.link(pid, version, ident);
    }

    /** See {@link StoreScenario#merge}. */
    @Operation
    public String merge(@Param(name = "pid") int pid) {
      return s.merge(pid);
    }

    /** See {@link StoreScenario#erase}. */
    @Operation
    public String erase(@Param(name = "ident") int ident) {
      return s.erase(ident);
    }

    /** See {@link StoreScenario#profile}. */
    @Operation
    public String profile(@Param(name = "pid") int pid) {
      return s.profile(pid);
    }

    /** See {@link StoreScenario#owner}. */
    @Operation
    public String owner(@Param(name = "ident") int ident) {
      return s.owner(ident);
    }

    /** See {@link StoreScenario#ownedProfiles}. */
    @Operation
    public String ownedProfiles() {
      return s.ownedProfiles();
    }

    /** See {@link StoreScenario#owners}. */
    @Operation
    public String owners(@Param(name = "ident") int ident) {
      return s.owners(ident);
    }

    /** See {@link StoreScenario#containsEvent}. */
    @Operation
    public boolean containsEvent(@Param(name = "event") int event) {
      return s.containsEvent(event);
    }

    /** See {@link StoreScenario#events}. */
    @Operation
    public String events(@Param(name = "ident") int ident) {
      return s.events(ident);
    }

    /** See {@link StoreScenario#page}. */
    @Operation
    public String page(@Param(gen = IntGen.class, conf = "-1:1") int after, @Param(gen = IntGen.class, conf = "1:2") int limit) {
      return s.page(after, limit);
    }

    /** See {@link StoreScenario#profileCount}. */
    @Operation
    public long profileCount() {
      return s.profileCount();
    }

    /** See {@link StoreScenario#eventCount}. */
    @Operation
    public long eventCount() {
      return s.eventCount();
    }

    /** See {@link StoreScenario#readAhead}. */
    @Operation
    public void readAhead() {
      s.readAhead();
    }
  }
}
