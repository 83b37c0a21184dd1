package dev.clientele.storage.jdbc;

import static dev.clientele.storage.jdbc.MultiNodeHuntPropertiesTest.T0;
import static dev.clientele.storage.jdbc.MultiNodeHuntPropertiesTest.email;
import static dev.clientele.storage.jdbc.MultiNodeHuntPropertiesTest.h2;
import static dev.clientele.storage.jdbc.MultiNodeHuntPropertiesTest.of;
import static dev.clientele.storage.jdbc.MultiNodeHuntPropertiesTest.person;
import static dev.clientele.storage.jdbc.MultiNodeHuntPropertiesTest.phone;
import static dev.clientele.storage.jdbc.MultiNodeHuntPropertiesTest.salted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.Clientele;
import dev.clientele.core.Consent;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.TimelineQuery;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.Storage;
import dev.clientele.identity.SurvivorshipRules;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A profile that a split re-creates under its old id must not hold a version that id held before
 * its merge. When it started again at version 1, a writer on another node holding a read of that
 * id from before the merge could commit over it as soon as the restored profile was back at the
 * version it read: the version check passed (same number, other life of the id) and the writer's
 * stale profile replaced the current one.
 *
 * <p>Found by {@code MultiNodeHuntPropertiesTest.reshapeOnOneNode_whileAnotherIngests_stateConsistentOnBothNodes}
 * (rare: a batch on node B read the profile at version 2; node A merged it away, split it back
 * at version 1 and recorded a consent (version 2); B's batch then committed "version 2 to 3"
 * from its old read, losing the consent event's count and the opt-out on the profile).
 */
class SplitRestoredVersionHuntTest {

  /** Runs {@code hook} once, just before the first commit through the returned storage. */
  static Storage beforeFirstCommit(Storage target, AtomicReference<Runnable> hook) {
    return (Storage) Proxy.newProxyInstance(SplitRestoredVersionHuntTest.class.getClassLoader(), new Class<?>[] {Storage.class},
        (proxy, method, args) -> {
          if (method.getName().equals("commit") && args != null && args[0] instanceof Commit) {
            Runnable once = hook.getAndSet(null);
            if (once != null) {
              once.run();
            }
          }
          try {
            return method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /**
   * Node B reads the victim's profile for an event (version 2, no opt-out); before B commits,
   * node A force-merges the victim into another person, splits that merge (the victim is back
   * under its id) and records an opt-out of the victim's email, as many times as it took, before
   * the fix, to bring the restored profile back to the version B read. B's commit must conflict
   * and be retried on the current profile: the victim's event count equals its timeline and the
   * opt-out stays. Before the fix, the split restored the victim at version 1, B's commit passed
   * the version check and replaced the current profile, losing the consent event's count and the
   * opt-out.
   */
  @Test
  void staleWriteFromBeforeAMerge_doesNotLandOnTheProfileASplitRestored() throws Exception {
    AtomicReference<Runnable> hook = new AtomicReference<>();
    try (MultiNodeHuntPropertiesTest.Database db = h2();
        MultiNodeHuntPropertiesTest.Nodes nodes = new MultiNodeHuntPropertiesTest.Nodes(db, 2, b -> b.ingestBatchSize(1),
            pool -> Clientele.builder().storage(beforeFirstCommit(JdbcStorage.open(pool), hook)).erasurePolicy(salted()))) {
      Clientele a = nodes.node(0);
      Clientele b = nodes.node(1);
      person(0, "h-").forEach(a::ingest);
      person(1, "h-").forEach(a::ingest);
      hook.set(null); // A's own commits above consumed nothing: the hook is armed only for B below
      Profile p0 = a.profile(email(0)).orElseThrow();
      Profile p1 = a.profile(email(1)).orElseThrow();
      // The loser of a forced merge under the default rules is the one that does not survive.
      Comparator<Profile> order = SurvivorshipRules.DEFAULTS.survivor().order();
      Profile victim = order.compare(p0, p1) > 0 ? p0 : p1;
      Profile other = victim == p0 ? p1 : p0;
      int v = victim == p0 ? 0 : 1;
      long readVersion = victim.version();
      assertThat(readVersion).as("the version B will read").isGreaterThan(1);

      hook.set(() -> {
        var merged = a.merge(victim.id(), other.id(), "hunt");
        assertThat(merged.id()).isEqualTo(other.id());
        List<dev.clientele.core.spi.MergeRecord> log = new java.util.ArrayList<>();
        a.storage().forEachMergeRecord(log::add);
        a.split(log.stream().filter(r -> r.kind() == dev.clientele.core.spi.MergeRecord.Kind.FORCED_MERGE)
            .findFirst().orElseThrow().id(), "hunt");
        // At least one opt-out; without the fix, as many as bring the restored profile back to
        // the version B read.
        int k = 0;
        do {
          a.recordConsent(email(v), Consent.OPT_OUT, T0.plusSeconds(6000L + k++), "centre", "form");
        } while (a.storage().profile(victim.id()).orElseThrow().version() < readVersion);
      });
      b.ingest(of("late-" + v, "pageview", 40, phone(v)));
      assertThat(hook.get()).as("the hook ran").isNull();

      Profile now = a.profile(victim.id()).orElseThrow();
      assertThat(now.eventCount()).as("event count of %s", victim.id())
          .isEqualTo(a.timeline(victim.id(), TimelineQuery.all()).size());
      assertThat(now.identifier(email(v)).map(IdentifierState::consent)).as("consent of the victim's email")
          .contains(Consent.OPT_OUT);
    }
  }
}
