package dev.clientele.consent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.UndeliverableReason;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ReachabilityPropertiesTest {
  static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
  static final IdentifierType[] TYPES = {IdentifierType.EMAIL, IdentifierType.PHONE, IdentifierType.PUSH_TOKEN, IdentifierType.CUSTOMER_ID};

  @Provide
  Arbitrary<IdentifierState> states() {
    Arbitrary<IdentifierType> type = Arbitraries.of(TYPES);
    Arbitrary<Integer> value = Arbitraries.integers().between(0, 5);
    Arbitrary<Integer> seen = Arbitraries.integers().between(0, 1000);
    Arbitrary<Consent> consent = Arbitraries.of(Consent.class);
    Arbitrary<Optional<UndeliverableReason>> bad = Arbitraries.of(UndeliverableReason.class).optional(0.3);
    return Combinators.combine(type, value, seen, consent, bad).as((t, v, s, c, b) -> {
      IdentifierState st = IdentifierState.firstSeen(Identifier.of(t, t.name() + "-" + v), T0.plusSeconds(s), true, "src");
      if (c != Consent.UNKNOWN) {
        st = st.withConsent(c, T0);
      }
      return b.isPresent() ? st.withDeliverability(Deliverability.undeliverable(b.get(), T0)) : st;
    });
  }

  @Provide
  Arbitrary<Profile> profiles() {
    Arbitrary<List<IdentifierState>> ids = states().list().ofMinSize(0).ofMaxSize(6);
    Arbitrary<Optional<Integer>> optOut = Arbitraries.integers().between(0, 100).optional(0.3);
    Arbitrary<Optional<Integer>> optIn = Arbitraries.integers().between(0, 100).optional(0.3);
    Arbitrary<Integer> id = Arbitraries.integers().between(0, 1_000_000);
    // The newsletter: 0 never subscribed, 1 subscribed, 2 unsubscribed after subscribing.
    Arbitrary<Integer> newsletter = Arbitraries.integers().between(0, 2);
    return Combinators.combine(ids, optOut, optIn, id, newsletter).as((list, out, in, n, letter) -> {
      Profile.Builder b = Profile.builder(ProfileId.of("p-" + n), T0);
      list.forEach(s -> {
        if (b.identifier(s.identifier()).isEmpty()) {
          b.putIdentifier(s);
        }
      });
      b.ccpa(out.map(T0::plusSeconds), in.map(T0::plusSeconds));
      if (letter > 0) {
        Optional<ListSubscription> subscribed = Optional.of(ListSubscription.apply(Optional.empty(), "newsletter", true, T0));
        b.putList(letter == 1 ? subscribed.get() : ListSubscription.apply(subscribed, "newsletter", false, T0.plusSeconds(60)));
      }
      return b.build();
    });
  }

  @Provide
  Arbitrary<List<Profile>> profileLists() {
    return profiles().list().ofMaxSize(30);
  }

  @Provide
  Arbitrary<ReachabilityPolicy> policies() {
    Arbitrary<Boolean> flag = Arbitraries.of(true, false);
    return flag.list().ofSize(6).map(f -> {
      ReachabilityPolicy.Builder b = ReachabilityPolicy.builder();
      Channel[] cs = Channel.values();
      for (int i = 0; i < cs.length; i++) {
        b.unknownConsentReachable(cs[i], f.get(i));
        b.ccpaBlocks(cs[i], f.get(i + 3));
      }
      return b.build();
    });
  }

  @Property
  void reachable_impliesAnEligibleDeliverableNotOptedOutIdentifier_andNoBlockingCcpa(
      @ForAll("profiles") Profile p, @ForAll("policies") ReachabilityPolicy policy) {
    ReachabilityEvaluator e = new ReachabilityEvaluator(policy);
    for (Channel c : Channel.values()) {
      ChannelReachability r = e.evaluate(p, c);
      if (!r.reachable()) {
        continue;
      }
      assertThat(p.isCcpaOptedOut() && policy.ccpaBlocks(c)).isFalse();
      for (Identifier via : r.via()) {
        IdentifierState s = p.identifier(via).orElseThrow();
        assertThat(s.type()).isEqualTo(c.identifierType());
        assertThat(s.deliverability().isDeliverable()).isTrue();
        assertThat(s.consent()).isNotEqualTo(Consent.OPT_OUT);
        if (s.consent() == Consent.UNKNOWN) {
          assertThat(policy.unknownConsentReachable(c)).isTrue();
        }
        if (c != Channel.PUSH) {
          assertThat(p.lastSeen(c.identifierType()).orElseThrow().identifier()).isEqualTo(via);
        }
      }
    }
  }

  @Property
  void isReachable_alwaysAgreesWithTheExplainedEvaluation(
      @ForAll("profiles") Profile p, @ForAll("policies") ReachabilityPolicy policy) {
    ReachabilityEvaluator e = new ReachabilityEvaluator(policy);
    for (Channel c : Channel.values()) {
      assertThat(e.isReachable(p, c)).as(c.key()).isEqualTo(e.evaluate(p, c).reachable());
    }
  }

  @Property(tries = 200)
  void loosening_neverLowersAReachableCount(
      @ForAll("profileLists") List<Profile> profiles, @ForAll("policies") ReachabilityPolicy a, @ForAll("policies") ReachabilityPolicy b) {
    InMemoryStorage storage = new InMemoryStorage();
    profiles.stream().map(p -> p.toBuilder().version(1).build()).distinct()
        .filter(p -> storage.profile(p.id()).isEmpty())
        .forEach(p -> storage.commit(Commit.builder().putProfile(p, 0).build()));
    AudienceCounts ca = new Audience(storage, a).count();
    AudienceCounts cb = new Audience(storage, b).count();
    if (a.isAtLeastAsLooseAs(b)) {
      for (Channel c : Channel.values()) {
        assertThat(ca.channels().get(c).reachable()).isGreaterThanOrEqualTo(cb.channels().get(c).reachable());
      }
      assertThat(ca.reachableAny()).isGreaterThanOrEqualTo(cb.reachableAny());
    }
  }

  @Property(tries = 200)
  void count_agreesWithPerProfileEvaluation(@ForAll("profileLists") List<Profile> profiles, @ForAll("policies") ReachabilityPolicy policy) {
    InMemoryStorage storage = new InMemoryStorage();
    for (Profile p : profiles) {
      if (storage.profile(p.id()).isEmpty()) {
        storage.commit(Commit.builder().putProfile(p.toBuilder().version(1).build(), 0).build());
      }
    }
    AudienceCounts counts = new Audience(storage, policy).count();
    ReachabilityEvaluator e = new ReachabilityEvaluator(policy);
    long[] email = {0};
    long synced = new Audience(storage, policy).forEachSyncable(Channel.EMAIL, p -> {
      assertThat(e.isReachable(p, Channel.EMAIL)).isTrue();
      email[0]++;
    });
    assertThat(counts.total()).isEqualTo(storage.profileCount());
    assertThat(counts.channels().get(Channel.EMAIL).reachable()).isEqualTo(synced).isEqualTo(email[0]);
  }

  @Property(tries = 200)
  void listSync_passesExactlyTheReachableSubscribers(
      @ForAll("profileLists") List<Profile> profiles, @ForAll("policies") ReachabilityPolicy policy) {
    InMemoryStorage storage = new InMemoryStorage();
    for (Profile p : profiles) {
      if (storage.profile(p.id()).isEmpty()) {
        storage.commit(Commit.builder().putProfile(p.toBuilder().version(1).build(), 0).build());
      }
    }
    ReachabilityEvaluator e = new ReachabilityEvaluator(policy);
    for (Channel c : Channel.values()) {
      java.util.Set<ProfileId> expected = new java.util.HashSet<>();
      storage.forEachProfile(p -> {
        ListSubscription s = p.lists().get("newsletter");
        if (s != null && s.subscribed() && e.isReachable(p, c)) {
          expected.add(p.id());
        }
      });
      java.util.Set<ProfileId> synced = new java.util.HashSet<>();
      long n = new Audience(storage, policy).forEachSyncable(c, "newsletter", p -> synced.add(p.id()));
      assertThat(synced).as(c.key()).isEqualTo(expected);
      assertThat(n).isEqualTo(expected.size());
      assertThat(new Audience(storage, policy).forEachSyncable(c, "other-list", p -> { })).isZero();
    }
  }
}
