package dev.clientele.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Attribute;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.UndeliverableReason;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Merging is a function of the set of profiles, not of the order they are listed in. Times are
 * drawn from a few minutes so that ties (the interesting cases) are frequent; identifiers come
 * from a small pool so that profiles share some.
 */
class SurvivorshipPropertiesTest {
  private static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");
  private static final List<Identifier> POOL = List.of(
      Identifier.of(IdentifierType.EMAIL, "ann@example.com"),
      Identifier.of(IdentifierType.EMAIL, "bob@example.com"),
      Identifier.of(IdentifierType.PHONE, "+442079460123"),
      Identifier.of(IdentifierType.CUSTOMER_ID, "c-1"),
      Identifier.of(IdentifierType.ANONYMOUS_ID, "a-1"));
  private static final List<String> SOURCES = List.of("api", "crm", "web");
  private static final List<String> ATTRIBUTES = List.of("first_name", "city", "plan");
  private static final List<String> TAGS = List.of("favourite", "vip", "wholesale");
  private static final List<String> LISTS = List.of("news", "offers");

  private static Instant t(int minutes) {
    return T0.plusSeconds(60L * minutes);
  }

  private static Arbitrary<Integer> time() {
    return Arbitraries.integers().between(0, 6);
  }

  private static Arbitrary<Deliverability> deliverability() {
    return Arbitraries.oneOf(
        Arbitraries.just(Deliverability.DELIVERABLE),
        time().map(m -> Deliverability.deliverableSince(t(m))),
        Combinators.combine(Arbitraries.of(UndeliverableReason.class), time())
            .as((r, m) -> Deliverability.undeliverable(r, t(m))));
  }

  private static Arbitrary<IdentifierState> state(Identifier id) {
    Arbitrary<Integer> first = time();
    Arbitrary<Optional<Integer>> extra = Arbitraries.integers().between(0, 3).optional(0.7);
    Arbitrary<Optional<Tuple2<Consent, Integer>>> consent =
        Combinators.combine(Arbitraries.of(Consent.class), time()).as(Tuple::of).optional(0.6);
    return Combinators.combine(first, extra, Arbitraries.of(SOURCES), deliverability(), consent)
        .as((f, e, src, d, c) -> {
          IdentifierState s = IdentifierState.firstSeen(id, t(f), false, src);
          if (e.isPresent()) {
            s = s.seenAt(t(f + e.get()), true, src);
          }
          s = s.withDeliverability(d);
          return c.isPresent() ? s.withConsent(c.get().get1(), t(c.get().get2())) : s;
        });
  }

  private static Arbitrary<List<IdentifierState>> identifiers() {
    return Arbitraries.subsetOf(POOL).ofMaxSize(3).flatMap(ids -> {
      List<Arbitrary<IdentifierState>> states = new ArrayList<>();
      ids.forEach(id -> states.add(state(id)));
      return Combinators.combine(states).as(l -> l);
    });
  }

  private static Arbitrary<List<Attribute>> attributes() {
    Arbitrary<Attribute> one = Combinators.combine(
            Arbitraries.of(ATTRIBUTES), Arbitraries.of("a", "b", "c"), Arbitraries.of(SOURCES), time())
        .as((name, value, src, at) -> new Attribute(name, value, src, t(at)));
    return one.list().ofMaxSize(3).uniqueElements(Attribute::name);
  }

  private static Arbitrary<List<ListSubscription>> lists() {
    Arbitrary<ListSubscription> one = Combinators.combine(
            Arbitraries.of(LISTS), time().optional(0.7), time().optional(0.5))
        .filter((name, sub, unsub) -> sub.isPresent() || unsub.isPresent())
        .as((name, sub, unsub) -> {
          ListSubscription l = null;
          if (sub.isPresent()) {
            l = ListSubscription.apply(Optional.empty(), name, true, t(sub.get()));
          }
          if (unsub.isPresent()) {
            l = ListSubscription.apply(Optional.ofNullable(l), name, false, t(unsub.get()));
          }
          return l;
        });
    return one.list().ofMaxSize(2).uniqueElements(ListSubscription::list);
  }

  private static Arbitrary<OrderSummary> orders() {
    Arbitrary<Tuple2<BigDecimal, Integer>> order = Combinators.combine(
            Arbitraries.longs().between(1, 50_000).map(cents -> BigDecimal.valueOf(cents, 2)), time())
        .as(Tuple::of);
    return order.list().ofMaxSize(3).map(os -> {
      OrderSummary s = OrderSummary.NONE;
      for (Tuple2<BigDecimal, Integer> o : os) {
        s = s.plus(o.get1(), t(o.get2()));
      }
      return s;
    });
  }

  private static Arbitrary<Profile.Builder> profile() {
    Arbitrary<Tuple2<Integer, Integer>> created = Combinators.combine(time(), Arbitraries.integers().between(0, 4)).as(Tuple::of);
    Arbitrary<Optional<Tuple2<Integer, Integer>>> activity =
        Combinators.combine(time(), Arbitraries.integers().between(0, 3)).as(Tuple::of).optional(0.6);
    Arbitrary<Tuple2<Optional<Integer>, Optional<Integer>>> ccpa =
        Combinators.combine(time().optional(0.3), time().optional(0.3)).as(Tuple::of);
    Arbitrary<Set<String>> tags = Arbitraries.subsetOf(TAGS);
    Arbitrary<Integer> events = Arbitraries.integers().between(0, 20);
    Arbitrary<Set<String>> previous = Arbitraries.subsetOf("p-old1", "p-old2", "p-old3").ofMaxSize(2);
    return Combinators.combine(created, activity, identifiers(), attributes(), lists(), orders(), ccpa, tags)
        .as((c, act, ids, attrs, ls, os, cc, tg) -> {
          Profile.Builder b = Profile.builder(ProfileId.of("p-x"), t(c.get1())).updatedAt(t(c.get1() + c.get2()));
          act.ifPresent(a -> b.activity(Optional.of(t(a.get1())), Optional.of(t(a.get1() + a.get2()))));
          ids.forEach(b::putIdentifier);
          attrs.forEach(b::putAttribute);
          ls.forEach(b::putList);
          tg.forEach(b::addTag);
          return b.orders(os).ccpa(cc.get1().map(SurvivorshipPropertiesTest::t), cc.get2().map(SurvivorshipPropertiesTest::t));
        })
        .flatMap(b -> Combinators.combine(events, previous).as((n, prev) -> {
          b.eventCount(n);
          prev.forEach(p -> b.addMergedFrom(List.of(ProfileId.of(p))));
          return b;
        }));
  }

  /** 2 to 4 profiles with distinct ids, and a permutation of them. */
  @Provide
  Arbitrary<Tuple2<List<Profile>, List<Profile>>> profilesAndPermutation() {
    return profile().list().ofMinSize(2).ofMaxSize(4)
        .map(builders -> {
          List<Profile> profiles = new ArrayList<>();
          for (int i = 0; i < builders.size(); i++) {
            profiles.add(builders.get(i).id(ProfileId.of("p-" + (char) ('a' + i))).version(i).build());
          }
          return profiles;
        })
        .flatMap(profiles -> Arbitraries.shuffle(profiles).map(shuffled -> Tuple.of(profiles, shuffled)));
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void merge_anyInputOrder_sameProfile(@ForAll("profilesAndPermutation") Tuple2<List<Profile>, List<Profile>> input) {
    Profile merged = Survivorship.merge(input.get1()).build();
    Profile permuted = Survivorship.merge(input.get2()).build();

    assertThat(permuted).isEqualTo(merged);
    assertThat(permuted.identifiers()).isEqualTo(merged.identifiers());
    assertThat(permuted.attributes()).isEqualTo(merged.attributes());
    assertThat(permuted.lists()).isEqualTo(merged.lists());
  }

  @Property(tries = 100, edgeCases = EdgeCasesMode.NONE)
  void merge_anyInput_survivorIdAccountsForEveryProfile(@ForAll("profilesAndPermutation") Tuple2<List<Profile>, List<Profile>> input) {
    List<Profile> profiles = input.get1();
    Profile merged = Survivorship.merge(profiles).build();

    Instant latest = profiles.stream().map(Profile::updatedAt).max(Instant::compareTo).orElseThrow();
    ProfileId expected = profiles.stream().filter(p -> p.updatedAt().equals(latest)).map(Profile::id).min(ProfileId::compareTo).orElseThrow();
    TreeSet<ProfileId> all = new TreeSet<>();
    profiles.forEach(p -> {
      all.add(p.id());
      all.addAll(p.mergedFrom());
    });
    all.remove(expected);

    assertThat(merged.id()).isEqualTo(expected);
    assertThat(merged.updatedAt()).isEqualTo(latest);
    assertThat(merged.mergedFrom()).containsExactlyElementsOf(all);
    assertThat(merged.eventCount()).isEqualTo(profiles.stream().mapToLong(Profile::eventCount).sum());
    assertThat(merged.orders().orderCount()).isEqualTo(profiles.stream().mapToLong(p -> p.orders().orderCount()).sum());
    assertThat(merged.identifiers()).extracting(IdentifierState::identifier)
        .containsExactlyInAnyOrderElementsOf(profiles.stream().flatMap(p -> p.identifiers().stream()).map(IdentifierState::identifier).distinct().toList());
  }
}
