package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IdentifierStateTest {
  private static final Identifier ANN = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void firstSeen_activeEvent_setsLastSeenToo() {
    IdentifierState s = IdentifierState.firstSeen(ANN, T, true, "web");

    assertThat(s.identifier()).isEqualTo(ANN);
    assertThat(s.type()).isEqualTo(IdentifierType.EMAIL);
    assertThat(s.firstSeen()).isEqualTo(T);
    assertThat(s.lastSeen()).contains(T);
    assertThat(s.source()).isEqualTo("web");
    assertThat(s.deliverability()).isEqualTo(Deliverability.DELIVERABLE);
    assertThat(s.consent()).isEqualTo(Consent.UNKNOWN);
    assertThat(s.consentAt()).isEmpty();
  }

  @Test
  void firstSeen_inactiveEvent_leavesLastSeenEmpty() {
    assertThat(IdentifierState.firstSeen(ANN, T, false, "esp").lastSeen()).isEmpty();
  }

  @Test
  void new_nullComponents_throwNamingTheComponent() {
    Optional<Instant> last = Optional.of(T);
    Deliverability d = Deliverability.DELIVERABLE;
    Consent c = Consent.UNKNOWN;
    Optional<Instant> none = Optional.empty();
    assertThatNullPointerException().isThrownBy(() -> new IdentifierState(null, T, last, "s", d, c, none))
        .withMessage("identifier");
    assertThatNullPointerException().isThrownBy(() -> new IdentifierState(ANN, null, last, "s", d, c, none))
        .withMessage("firstSeen");
    assertThatNullPointerException().isThrownBy(() -> new IdentifierState(ANN, T, null, "s", d, c, none))
        .withMessage("lastSeen");
    assertThatNullPointerException().isThrownBy(() -> new IdentifierState(ANN, T, last, null, d, c, none))
        .withMessage("source");
    assertThatNullPointerException().isThrownBy(() -> new IdentifierState(ANN, T, last, "s", null, c, none))
        .withMessage("deliverability");
    assertThatNullPointerException().isThrownBy(() -> new IdentifierState(ANN, T, last, "s", d, null, none))
        .withMessage("consent");
    assertThatNullPointerException().isThrownBy(() -> new IdentifierState(ANN, T, last, "s", d, c, null))
        .withMessage("consentAt");
  }

  @Test
  void new_lastSeenBeforeFirstSeen_throws() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new IdentifierState(ANN, T, Optional.of(T.minusSeconds(1)), "s",
            Deliverability.DELIVERABLE, Consent.UNKNOWN, Optional.empty()))
        .withMessageStartingWith("lastSeen must not be before firstSeen");
  }

  @Test
  void seenAt_laterActiveEvent_movesLastSeenOnly() {
    IdentifierState s = IdentifierState.firstSeen(ANN, T, true, "web").seenAt(T.plusSeconds(60), true, "app");

    assertThat(s.firstSeen()).isEqualTo(T);
    assertThat(s.lastSeen()).contains(T.plusSeconds(60));
    assertThat(s.source()).as("the source of the first sighting").isEqualTo("web");
  }

  @Test
  void firstSeen_linkedAtIsTheEventTime() {
    assertThat(IdentifierState.firstSeen(ANN, T, true, "web").linkedAt()).isEqualTo(T);
  }

  @Test
  void seenAt_earlierEvent_movesFirstSeenButNeverLinkedAt() {
    IdentifierState s = IdentifierState.firstSeen(ANN, T, true, "web")
        .seenAt(T.minusSeconds(86_400), true, "app")
        .seenAt(T.plusSeconds(60), false, "esp");

    assertThat(s.firstSeen()).isEqualTo(T.minusSeconds(86_400));
    assertThat(s.linkedAt()).as("linked when the first event to bring it arrived").isEqualTo(T);
    assertThat(s.withConsent(Consent.OPT_OUT, T).withDeliverability(Deliverability.DELIVERABLE).linkedAt()).isEqualTo(T);
  }

  @Test
  void new_withoutLinkedAt_linksAtFirstSeen() {
    IdentifierState s = new IdentifierState(ANN, T, Optional.empty(), "s", Deliverability.DELIVERABLE, Consent.UNKNOWN,
        Optional.empty());

    assertThat(s.linkedAt()).isEqualTo(T);
    assertThat(s.withLinkedAt(T.plusSeconds(5)).linkedAt()).isEqualTo(T.plusSeconds(5));
    assertThatNullPointerException().isThrownBy(() -> s.withLinkedAt(null)).withMessage("linkedAt");
    assertThatNullPointerException()
        .isThrownBy(() -> new IdentifierState(ANN, T, Optional.empty(), "s", Deliverability.DELIVERABLE, Consent.UNKNOWN,
            Optional.empty(), null))
        .withMessage("linkedAt");
  }

  @Test
  void seenAt_inactiveEvent_doesNotMoveLastSeen() {
    IdentifierState s = IdentifierState.firstSeen(ANN, T, true, "web").seenAt(T.plusSeconds(60), false, "esp");

    assertThat(s.lastSeen()).contains(T);
  }

  @Test
  void seenAt_earlierEvent_movesFirstSeenAndSource() {
    IdentifierState s = IdentifierState.firstSeen(ANN, T, false, "esp").seenAt(T.minusSeconds(60), false, "crm");

    assertThat(s.firstSeen()).isEqualTo(T.minusSeconds(60));
    assertThat(s.source()).isEqualTo("crm");
    assertThat(s.lastSeen()).isEmpty();
  }

  @Test
  void seenAt_keepsDeliverabilityAndConsent() {
    IdentifierState s = IdentifierState.firstSeen(ANN, T, true, "web")
        .withDeliverability(Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, T))
        .withConsent(Consent.OPT_OUT, T)
        .seenAt(T.plusSeconds(5), true, "web");

    assertThat(s.deliverability().reason()).contains(UndeliverableReason.HARD_BOUNCE);
    assertThat(s.consent()).isEqualTo(Consent.OPT_OUT);
    assertThat(s.consentAt()).contains(T);
  }

  @Test
  void seenAt_nullArguments_throwNamingTheArgument() {
    IdentifierState s = IdentifierState.firstSeen(ANN, T, true, "web");

    assertThatNullPointerException().isThrownBy(() -> s.seenAt(null, true, "web")).withMessage("at");
    assertThatNullPointerException().isThrownBy(() -> s.seenAt(T, true, null)).withMessage("eventSource");
  }

  @Test
  void seenAt_anyOrderOfSightings_givesTheSameState() {
    // Few distinct times and sources, so that ties are common.
    Trials.forAll("seenAt is order-free", random -> {
      List<Sighting> sightings = new ArrayList<>();
      int n = 1 + random.nextInt(8);
      for (int i = 0; i < n; i++) {
        sightings.add(new Sighting(T.plusSeconds(random.nextInt(4) * 60L), random.nextBoolean(),
            Trials.oneOf(random, "web", "app", "crm")));
      }

      IdentifierState inOrder = apply(sightings);
      List<Sighting> order = Trials.shuffled(sightings, random);
      IdentifierState shuffled = apply(order);

      // All but the link time, which is that of the first sighting to arrive, by design.
      assertThat(shuffled.withLinkedAt(T)).as("%s", sightings).isEqualTo(inOrder.withLinkedAt(T));
      assertThat(shuffled.linkedAt()).isEqualTo(order.get(0).at());
      assertThat(inOrder.linkedAt()).isEqualTo(sightings.get(0).at());
      assertThat(inOrder.firstSeen()).isEqualTo(sightings.stream().map(Sighting::at).min(Instant::compareTo).orElseThrow());
      assertThat(inOrder.lastSeen())
          .isEqualTo(sightings.stream().filter(Sighting::active).map(Sighting::at).max(Instant::compareTo));
    });
  }

  @Test
  void withConsent_setsValueAndTime() {
    IdentifierState s = IdentifierState.firstSeen(ANN, T, true, "web").withConsent(Consent.OPT_IN, T.plusSeconds(9));

    assertThat(s.consent()).isEqualTo(Consent.OPT_IN);
    assertThat(s.consentAt()).contains(T.plusSeconds(9));
    assertThatNullPointerException().isThrownBy(() -> s.withConsent(Consent.OPT_OUT, null)).withMessage("at");
    assertThatNullPointerException().isThrownBy(() -> s.withConsent(null, T)).withMessage("consent");
  }

  @Test
  void deliverability_states() {
    assertThat(Deliverability.DELIVERABLE.isDeliverable()).isTrue();
    assertThat(Deliverability.DELIVERABLE.since()).isEmpty();

    Deliverability bounced = Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, T);
    assertThat(bounced.isDeliverable()).isFalse();
    assertThat(bounced.reason()).contains(UndeliverableReason.HARD_BOUNCE);
    assertThat(bounced.since()).contains(T);

    Deliverability cleared = Deliverability.deliverableSince(T);
    assertThat(cleared.isDeliverable()).isTrue();
    assertThat(cleared.since()).contains(T);
  }

  @Test
  void deliverability_nullArguments_throwNamingTheArgument() {
    assertThatNullPointerException().isThrownBy(() -> Deliverability.undeliverable(null, T)).withMessage("reason");
    assertThatNullPointerException()
        .isThrownBy(() -> Deliverability.undeliverable(UndeliverableReason.COMPLAINT, null)).withMessage("since");
    assertThatNullPointerException().isThrownBy(() -> Deliverability.deliverableSince(null)).withMessage("since");
    assertThatNullPointerException().isThrownBy(() -> new Deliverability(null, Optional.empty())).withMessage("reason");
    assertThatNullPointerException().isThrownBy(() -> new Deliverability(Optional.empty(), null)).withMessage("since");
  }

  @Test
  void undeliverableReasonKey_isLowerCaseUnderAnyLocale() {
    // "COMPLAINT" and "INVALID" hold an I, which the Turkish test locale lower-cases to ı.
    assertThat(List.of(UndeliverableReason.values())).extracting(UndeliverableReason::key)
        .containsExactly("hard_bounce", "complaint", "invalid", "malformed");
  }

  private static IdentifierState apply(List<Sighting> sightings) {
    Sighting first = sightings.get(0);
    IdentifierState s = IdentifierState.firstSeen(ANN, first.at(), first.active(), first.source());
    for (Sighting next : sightings.subList(1, sightings.size())) {
      s = s.seenAt(next.at(), next.active(), next.source());
    }
    return s;
  }

  private record Sighting(Instant at, boolean active, String source) {}
}
