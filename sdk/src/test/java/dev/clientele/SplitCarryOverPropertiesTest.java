package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.DailyProfileCounts;
import dev.clientele.analytics.ProfilesOverTime;
import dev.clientele.consent.Audience;
import dev.clientele.consent.AudienceCounts;
import dev.clientele.consent.ConsentChange;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.Channel;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.spi.MergeRecord;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The split, the consent ledger and profiles over time apply one rule to what a split carries
 * over from the other side's events (see {@code SplitCarryOver}), so they agree: after random
 * sessions of ingestion (consent, bounces, CCPA, activity; identifiers of up to three people, so
 * events merge profiles and refuse links), splits (also of merges made after a split, so a
 * profile is split twice), forced merges (also of the two sides of a split) and erasures (of any
 * profile, also one a split record names, after which the other sides keep what the split carried
 * over between them), for every live profile
 * <ul>
 *   <li>the latest entry of {@link Clientele#consentHistory} for each identifier is its stored
 *       consent and time, and an identifier whose consent was never set has no entry;
 *   <li>the replay of profiles over time for a day after every event equals the audience counts
 *       of the stored profile, under policies that make consent, deliverability and CCPA each
 *       decide reachability (so the replayed state at "now" is the stored state);
 * </ul>
 * and {@link Clientele#profilesOverTime}'s last day equals {@link Clientele#audience()}; and no
 * stored event, profile, index entry or merge-log record holds an erased value or names an erased
 * profile.
 */
class SplitCarryOverPropertiesTest {
  private static final LocalDate AFTER_ALL = LocalDate.parse("2026-12-31");

  /** Policies under which consent, deliverability and CCPA each change the counts. */
  private static final List<ReachabilityPolicy> POLICIES = List.of(
      ReachabilityPolicy.defaults(),
      strict(true),
      loose());

  private static ReachabilityPolicy strict(boolean ccpa) {
    ReachabilityPolicy.Builder b = ReachabilityPolicy.builder();
    for (Channel c : Channel.values()) {
      b.unknownConsentReachable(c, false).ccpaBlocks(c, ccpa);
    }
    return b.build();
  }

  private static ReachabilityPolicy loose() {
    ReachabilityPolicy.Builder b = ReachabilityPolicy.builder();
    for (Channel c : Channel.values()) {
      b.unknownConsentReachable(c, true).ccpaBlocks(c, false);
    }
    return b.build();
  }

  /**
   * One session step: kind 0-5 an event of {@link ConsentHuntPropertiesTest#event} (pageview,
   * login, consent, reachability, compliance, discovery) with the identifiers {@code mask} picks
   * from the pool; 6-7 a split; 8 a forced merge; 9 an erasure.
   */
  record Op(int kind, int variant, int channel, int mask, int pick) {}

  @Provide
  Arbitrary<List<Op>> sessions() {
    Arbitrary<Integer> kind = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(12, Arbitraries.integers().between(0, 5)),
        net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(6, 7)),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(8)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(9)));
    return Combinators.combine(
            kind,
            Arbitraries.integers().between(0, 11),
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 1 << 12),
            Arbitraries.integers().between(0, 99))
        .as(Op::new)
        .list().ofMinSize(4).ofMaxSize(32);
  }

  /** The pool: two emails, a phone, a push token of person 0; an email, a phone and a push token of person 1; a customer id of each of three people. */
  private static final List<Identifier> POOL = List.of(
      ConsentHuntPropertiesTest.id(0, 0), ConsentHuntPropertiesTest.id(0, 1), ConsentHuntPropertiesTest.id(0, 2),
      ConsentHuntPropertiesTest.id(0, 4), ConsentHuntPropertiesTest.id(1, 0), ConsentHuntPropertiesTest.id(1, 2),
      ConsentHuntPropertiesTest.id(1, 4), ConsentHuntPropertiesTest.id(0, 6), ConsentHuntPropertiesTest.id(1, 6),
      ConsentHuntPropertiesTest.id(2, 6), ConsentHuntPropertiesTest.id(2, 0), ConsentHuntPropertiesTest.id(2, 2));

  /** One to three identifiers of the pool. */
  private static List<Identifier> identifiers(int mask) {
    return SessionSteps.someOf(POOL, mask);
  }

  @Property(tries = 1000)
  void splitLedgerAndProfilesOverTime_agreeWithTheStoredProfiles(@ForAll("sessions") List<Op> ops, @ForAll long seed) {
    // Distinct times in random order: events may arrive older than the merges and splits before them.
    List<Integer> times = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      times.add(i);
    }
    Collections.shuffle(times, new Random(seed));
    StringBuilder log = new StringBuilder();
    int splits = 0;
    java.util.Set<dev.clientele.core.ProfileId> erasedIds = new java.util.HashSet<>();
    java.util.Set<Identifier> erasedValues = new java.util.HashSet<>();
    try (Clientele c = Fixtures.clientele()) {
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        List<Profile> live = SessionSteps.live(c);
        switch (op.kind()) {
          case 6, 7 -> {
            if (SessionSteps.splitOne(c, live, op.pick(), log) != null) {
              splits++;
            }
          }
          case 8 -> SessionSteps.forceMergeTwo(c, live, op.pick(), op.mask(), log);
          case 9 -> {
            // Any profile, also one a split record names (the other sides of that split keep
            // what it carried over between them; see SplitCarryOverTest).
            if (!live.isEmpty()) {
              Profile gone = live.get(op.pick() % live.size());
              erasedIds.add(gone.id());
              erasedIds.addAll(gone.mergedFrom());
              gone.identifiers().forEach(st -> erasedValues.add(st.identifier()));
              boolean named = namedBySplit(c, gone);
              c.delete(gone.id());
              log.append("\nerased ").append(gone.id()).append(named ? " (named by a split)" : "");
              Statistics.label("erased a profile a split names").collect(named);
            }
          }
          default -> {
            Event e = ConsentHuntPropertiesTest.event(times.get(i),
                new ConsentHuntPropertiesTest.Step(0, op.kind(), op.variant(), op.channel(), 0), identifiers(op.mask()));
            IngestResult r = c.ingest(e);
            log.append("\n").append(e.id()).append(' ').append(e.timestamp()).append(' ').append(e.type()).append('/')
                .append(e.action()).append(' ').append(e.data()).append(' ').append(e.identifiers()).append(" -> ")
                .append(r.outcome()).append(' ').append(r.profile().map(Object::toString).orElse("")).append(r.mergedProfiles());
          }
        }
      }
      Statistics.label("splits").collect(Math.min(splits, 3));
      String context = "session:" + log;
      for (Profile p : Fixtures.profiles(c)) {
        assertLedgerIsTheStoredConsent(c, p, context);
        for (ReachabilityPolicy policy : POLICIES) {
          Storage1 one = new Storage1(c, p);
          List<DailyProfileCounts> replayed = new ProfilesOverTime(one, policy, c.activityRules()).history(AFTER_ALL, AFTER_ALL);
          AudienceCounts now = new Audience(one, policy).count();
          assertThat(replayed.get(0).counts()).as("replay of %s under %s; %s", p, policy, context).isEqualTo(now);
        }
      }
      assertThat(c.profilesOverTime(AFTER_ALL, AFTER_ALL)).as(context).extracting(DailyProfileCounts::counts)
          .containsExactly(c.audience());
      assertNoTraceOf(c, erasedIds, erasedValues, context);
    }
  }

  /**
   * No stored event, index entry, profile or merge-log record holds an erased identifier, and no
   * record names an erased profile (re-ingestion is not part of these sessions, so nothing may
   * bring them back).
   */
  private static void assertNoTraceOf(
      Clientele c, java.util.Set<dev.clientele.core.ProfileId> ids, java.util.Set<Identifier> values, String context) {
    if (ids.isEmpty()) {
      return;
    }
    Statistics.label("erased").collect("yes");
    try (var all = c.storage().allEvents()) {
      all.forEach(st -> assertThat(st.event().identifiers()).as("event %s; %s", st.event().id(), context)
          .doesNotContainAnyElementsOf(values));
    }
    for (Profile p : Fixtures.profiles(c)) {
      assertThat(ids).as(context).doesNotContain(p.id());
      assertThat(p.identifiers()).extracting(IdentifierState::identifier).as(context).doesNotContainAnyElementsOf(values);
    }
    for (Identifier v : values) {
      assertThat(c.storage().owner(v)).as("owner of an erased value; %s", context).isEmpty();
    }
    c.storage().forEachMergeRecord(r -> {
      assertThat(values.stream().anyMatch(r::holds)).as("record %s holds an erased value; %s", r, context).isFalse();
      assertThat(ids.stream().anyMatch(r::names)).as("record %s names an erased profile; %s", r, context).isFalse();
    });
  }

  /** Whether erasing {@code p} would erase a split record (one naming it or a profile merged into it). */
  private static boolean namedBySplit(Clientele c, Profile p) {
    List<dev.clientele.core.ProfileId> named = new ArrayList<>(p.mergedFrom());
    named.add(p.id());
    return named.stream().anyMatch(id -> c.mergeLog(id).stream().anyMatch(r -> r.kind() == MergeRecord.Kind.SPLIT));
  }

  /** The ledger's latest entry per identifier is the stored consent (times are distinct: no ties). */
  static void assertLedgerIsTheStoredConsent(Clientele c, Profile p, String context) {
    List<ConsentChange> ledger = c.consentHistory(p.id());
    for (IdentifierState s : p.identifiers()) {
      Optional<ConsentChange> latest = ledger.stream()
          .filter(ch -> ch.identifier().equals(s.identifier()))
          .max(Comparator.comparing(ConsentChange::at));
      assertThat(latest.map(ConsentChange::at)).as("latest ledger time of %s on %s; %s", s.identifier(), p.id(), context)
          .isEqualTo(s.consentAt());
      latest.ifPresent(ch -> assertThat(ch.consent()).as("latest ledger consent of %s on %s; %s", s.identifier(), p.id(), context)
          .isEqualTo(s.consent()));
    }
    assertThat(ledger).as("ledger of %s lists only its identifiers; %s", p.id(), context)
        .allMatch(ch -> p.identifier(ch.identifier()).isPresent());
  }

  /** The store of {@code c} seen as holding only profile {@code only} (its events and merge log as they are). */
  private static final class Storage1 extends ForwardingStorage {
    private final Profile only;

    Storage1(Clientele c, Profile only) {
      super(c.storage());
      this.only = only;
    }

    @Override
    public void forEachProfile(Consumer<? super Profile> action) {
      action.accept(only);
    }
  }
}
