package dev.clientele.consent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Deliverability;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.UndeliverableReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import org.junit.jupiter.api.Test;

/**
 * Regression: two reachability reports of different undeliverable reasons at the same instant
 * (a hard bounce and a complaint in one provider batch) used to leave whichever was applied last,
 * so the profile depended on arrival order. Now the greater reason wins a tie, whatever the order.
 */
class ReachabilityTieTest {
  private static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");
  private static final Identifier EMAIL = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  private static final Map<String, UndeliverableReason> REASONS = Map.of(
      "hard_bounce", UndeliverableReason.HARD_BOUNCE,
      "complaint", UndeliverableReason.COMPLAINT,
      "invalid", UndeliverableReason.INVALID);

  private static Event report(String id, String action, int minute) {
    return Event.builder(id, "reachability", T0.plusSeconds(60L * minute)).action(action).identifier(EMAIL).build();
  }

  private static Deliverability apply(List<Event> events) {
    Profile.Builder b = Profile.builder(ProfileId.of("p-1"), T0).putIdentifier(IdentifierState.firstSeen(EMAIL, T0, true, "api"));
    List<String> problems = new ArrayList<>();
    for (Event e : events) {
      ConsentChanges.apply(b, e, List.of(EMAIL), problems);
    }
    assertThat(problems).isEmpty();
    return b.identifier(EMAIL).orElseThrow().deliverability();
  }

  @Test
  void apply_hardBounceAndComplaintAtTheSameInstant_sameOutcomeInEitherOrder() {
    Event bounce = report("e-1", "hard_bounce", 5);
    Event complaint = report("e-2", "complaint", 5);

    Deliverability one = apply(List.of(bounce, complaint));
    Deliverability other = apply(List.of(complaint, bounce));

    assertThat(one).isEqualTo(other).isEqualTo(Deliverability.undeliverable(UndeliverableReason.COMPLAINT, T0.plusSeconds(300)));
  }

  @Test
  void apply_deliverableAndInvalidAtTheSameInstant_undeliverableInEitherOrder() {
    Event ok = report("e-1", "deliverable", 5);
    Event invalid = report("e-2", "invalid", 5);

    assertThat(apply(List.of(ok, invalid))).isEqualTo(apply(List.of(invalid, ok)))
        .isEqualTo(Deliverability.undeliverable(UndeliverableReason.INVALID, T0.plusSeconds(300)));
  }

  /** Reports drawn from four minutes, so that ties are frequent, and a permutation of them. */
  @Provide
  Arbitrary<Tuple2<List<Event>, List<Event>>> reportsAndPermutation() {
    Arbitrary<Tuple2<String, Integer>> one = Combinators.combine(
        Arbitraries.of("hard_bounce", "complaint", "invalid", "deliverable"), Arbitraries.integers().between(0, 3)).as(Tuple::of);
    return one.list().ofMinSize(1).ofMaxSize(8).map(specs -> {
      List<Event> events = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        events.add(report("e-" + i, specs.get(i).get1(), specs.get(i).get2()));
      }
      return events;
    }).flatMap(events -> Arbitraries.shuffle(events).map(shuffled -> Tuple.of(events, shuffled)));
  }

  @Property(tries = 300)
  void apply_anyOrder_latestReportWinsAndTiesGoToTheGreaterReason(
      @ForAll("reportsAndPermutation") Tuple2<List<Event>, List<Event>> input) {
    List<Event> events = input.get1();
    Instant latest = events.stream().map(Event::timestamp).max(Comparator.naturalOrder()).orElseThrow();
    Deliverability expected = events.stream()
        .filter(e -> e.timestamp().equals(latest) && REASONS.containsKey(e.action()))
        .map(e -> REASONS.get(e.action()))
        .max(Comparator.naturalOrder())
        .map(r -> Deliverability.undeliverable(r, latest))
        .orElse(Deliverability.deliverableSince(latest));

    assertThat(apply(input.get2())).isEqualTo(apply(events)).isEqualTo(expected);
  }
}
