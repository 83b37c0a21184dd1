package dev.clientele.consent.internal;

import static dev.clientele.consent.internal.Fixtures.EMAIL;
import static dev.clientele.consent.internal.Fixtures.PHONE;
import static dev.clientele.consent.internal.Fixtures.apply;
import static dev.clientele.consent.internal.Fixtures.event;
import static dev.clientele.consent.internal.Fixtures.holding;
import static dev.clientele.consent.internal.Fixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Consent;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Consent is order-independent: the same timestamped {@code consent} events on one identifier,
 * applied in any order, leave the same consent and consent time; the latest change wins, and of
 * changes at the same instant the more restrictive one.
 */
class ConsentOrderPropertiesTest {
  private static final Map<String, Consent> ACTIONS = Map.of("opt_in", Consent.OPT_IN, "opt_out", Consent.OPT_OUT, "reset", Consent.UNKNOWN);

  /** 1 to 8 consent events on the email (some naming the email channel), drawn from five minutes so that ties are frequent, and a permutation. */
  @Provide
  Arbitrary<Tuple2<List<Event>, List<Event>>> eventsAndPermutation() {
    Arbitrary<Tuple2<String, Integer>> one = Combinators.combine(
        Arbitraries.of(ACTIONS.keySet()), Arbitraries.integers().between(0, 4)).as(Tuple::of);
    Arbitrary<Boolean> withChannel = Arbitraries.of(true, false);
    return Combinators.combine(one, withChannel).as(Tuple::of).list().ofMinSize(1).ofMaxSize(8).map(specs -> {
      List<Event> events = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        Tuple2<String, Integer> spec = specs.get(i).get1();
        Event.Builder b = event("e-" + i, "consent", spec.get1(), spec.get2(), EMAIL, PHONE);
        if (specs.get(i).get2()) {
          b.data("channel", "email");
        }
        events.add(b.build());
      }
      return events;
    }).flatMap(events -> Arbitraries.shuffle(events).map(shuffled -> Tuple.of(events, shuffled)));
  }

  private static Profile.Builder applied(List<Event> events) {
    Profile.Builder p = holding(EMAIL, PHONE);
    for (Event e : events) {
      assertThat(apply(p, e)).isEmpty();
    }
    return p;
  }

  @Property(tries = 300)
  void apply_anyPermutation_sameConsentAndConsentAt(@ForAll("eventsAndPermutation") Tuple2<List<Event>, List<Event>> input) {
    List<Event> events = input.get1();
    Instant latest = events.stream().map(Event::timestamp).max(Comparator.naturalOrder()).orElseThrow();
    Consent expected = events.stream()
        .filter(e -> e.timestamp().equals(latest))
        .map(e -> ACTIONS.get(e.action()))
        .reduce(Consent.OPT_IN, Consent::mostRestrictive);

    IdentifierState inOrder = state(applied(events), EMAIL);
    IdentifierState permuted = state(applied(input.get2()), EMAIL);

    assertThat(permuted.consent()).isEqualTo(inOrder.consent()).isEqualTo(expected);
    assertThat(permuted.consentAt()).isEqualTo(inOrder.consentAt()).contains(latest);
    assertThat(permuted).isEqualTo(inOrder);
  }

  @Property(tries = 100)
  void apply_anyPermutation_otherChannelFollowsOnlyChannellessEvents(
      @ForAll("eventsAndPermutation") Tuple2<List<Event>, List<Event>> input) {
    Optional<Instant> latestWithoutChannel = input.get1().stream()
        .filter(e -> !e.data().containsKey("channel"))
        .map(Event::timestamp)
        .max(Comparator.naturalOrder());

    IdentifierState inOrder = state(applied(input.get1()), PHONE);
    IdentifierState permuted = state(applied(input.get2()), PHONE);

    assertThat(permuted).isEqualTo(inOrder);
    assertThat(permuted.consentAt()).isEqualTo(latestWithoutChannel);
  }
}
