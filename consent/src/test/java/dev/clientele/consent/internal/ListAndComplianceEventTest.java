package dev.clientele.consent.internal;

import static dev.clientele.consent.internal.Fixtures.EMAIL;
import static dev.clientele.consent.internal.Fixtures.apply;
import static dev.clientele.consent.internal.Fixtures.event;
import static dev.clientele.consent.internal.Fixtures.holding;
import static dev.clientele.consent.internal.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.ListSubscription;
import dev.clientele.core.Profile;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code list} and {@code compliance} events. */
class ListAndComplianceEventTest {

  // ---- list

  @Test
  void apply_subscribe_subscribedWithTime() {
    Profile.Builder p = holding(EMAIL);

    List<String> problems = apply(p, event("e-1", "list", "subscribe", 5, EMAIL).data("list", "news").build());

    assertThat(problems).isEmpty();
    assertThat(p.lists()).containsOnlyKeys("news");
    assertThat(p.lists().get("news")).isEqualTo(new ListSubscription("news", true, Optional.of(t(5)), Optional.empty()));
  }

  @Test
  void apply_subscribeThenUnsubscribe_bothTimesKept() {
    Profile.Builder p = holding(EMAIL);
    apply(p, event("e-1", "list", "subscribe", 5, EMAIL).data("list", "news").build());

    List<String> problems = apply(p, event("e-2", "list", "unsubscribe", 7, EMAIL).data("list", "news").build());

    assertThat(problems).isEmpty();
    assertThat(p.lists().get("news")).isEqualTo(new ListSubscription("news", false, Optional.of(t(5)), Optional.of(t(7))));
  }

  @Test
  void apply_olderUnsubscribeArrivingLater_staysSubscribed() {
    Profile.Builder p = holding(EMAIL);
    apply(p, event("e-2", "list", "subscribe", 7, EMAIL).data("list", "news").build());

    apply(p, event("e-1", "list", "unsubscribe", 5, EMAIL).data("list", "news").build());

    assertThat(p.lists().get("news")).isEqualTo(new ListSubscription("news", true, Optional.of(t(7)), Optional.of(t(5))));
  }

  @Test
  void apply_subscribeAndUnsubscribeAtTheSameInstant_unsubscribedInEitherOrder() {
    Profile.Builder a = holding(EMAIL);
    apply(a, event("e-1", "list", "subscribe", 5, EMAIL).data("list", "news").build());
    apply(a, event("e-2", "list", "unsubscribe", 5, EMAIL).data("list", "news").build());
    Profile.Builder b = holding(EMAIL);
    apply(b, event("e-2", "list", "unsubscribe", 5, EMAIL).data("list", "news").build());
    apply(b, event("e-1", "list", "subscribe", 5, EMAIL).data("list", "news").build());

    assertThat(a.lists().get("news").subscribed()).isFalse();
    assertThat(b.lists()).isEqualTo(a.lists());
  }

  @Test
  void apply_twoLists_independent() {
    Profile.Builder p = holding(EMAIL);
    apply(p, event("e-1", "list", "subscribe", 5, EMAIL).data("list", "news").build());
    apply(p, event("e-2", "list", "unsubscribe", 6, EMAIL).data("list", "offers").build());

    assertThat(p.lists().get("news").subscribed()).isTrue();
    assertThat(p.lists().get("offers")).isEqualTo(new ListSubscription("offers", false, Optional.empty(), Optional.of(t(6))));
  }

  @Test
  void apply_listWithoutDataList_problemAndNothingChanged() {
    Profile.Builder p = holding(EMAIL);

    List<String> missing = apply(p, event("e-1", "list", "subscribe", 5, EMAIL).build());
    List<String> blank = apply(p, event("e-2", "list", "subscribe", 5, EMAIL).data("list", " ").build());
    List<String> number = apply(p, event("e-3", "list", "subscribe", 5, EMAIL).data("list", 42).build());

    assertThat(missing).containsExactly("list event e-1 has no data.list");
    assertThat(blank).containsExactly("list event e-2 has no data.list");
    assertThat(number).containsExactly("list event e-3 has no data.list");
    assertThat(p.lists()).isEmpty();
  }

  @Test
  void apply_listNameTooLong_problemNotException() {
    Profile.Builder p = holding(EMAIL);

    List<String> problems = apply(p, event("e-1", "list", "subscribe", 5, EMAIL).data("list", "x".repeat(129)).build());

    assertThat(problems).singleElement().asString().startsWith("list event e-1 rejected: ");
    assertThat(p.lists()).isEmpty();
  }

  @Test
  void apply_unknownListAction_problem() {
    Profile.Builder p = holding(EMAIL);

    List<String> problems = apply(p, event("e-1", "list", "join", 5, EMAIL).data("list", "news").build());

    assertThat(problems).containsExactly("unknown list action in event e-1: join");
    assertThat(p.lists()).isEmpty();
  }

  // ---- compliance

  @Test
  void apply_ccpaOptOut_optedOut() {
    Profile.Builder p = holding(EMAIL);

    List<String> problems = apply(p, event("e-1", "compliance", "ccpa_opt_out", 5, EMAIL).build());

    assertThat(problems).isEmpty();
    assertThat(p.ccpaOptOutAt()).contains(t(5));
    assertThat(p.ccpaOptInAt()).isEmpty();
    assertThat(p.build().isCcpaOptedOut()).isTrue();
  }

  @Test
  void apply_ccpaOptInAfterOptOut_notOptedOut() {
    Profile.Builder p = holding(EMAIL);
    apply(p, event("e-1", "compliance", "ccpa_opt_out", 5, EMAIL).build());

    apply(p, event("e-2", "compliance", "ccpa_opt_in", 6, EMAIL).build());

    assertThat(p.ccpaOptOutAt()).contains(t(5));
    assertThat(p.ccpaOptInAt()).contains(t(6));
    assertThat(p.build().isCcpaOptedOut()).isFalse();
  }

  @Test
  void apply_olderCcpaOptInArrivingLater_stillOptedOut() {
    Profile.Builder p = holding(EMAIL);
    apply(p, event("e-2", "compliance", "ccpa_opt_out", 8, EMAIL).build());

    apply(p, event("e-1", "compliance", "ccpa_opt_in", 3, EMAIL).build());

    assertThat(p.build().isCcpaOptedOut()).isTrue();
  }

  @Test
  void apply_ccpaOptOutAndOptInAtTheSameInstant_optedOut() {
    Profile.Builder p = holding(EMAIL);
    apply(p, event("e-1", "compliance", "ccpa_opt_in", 4, EMAIL).build());
    apply(p, event("e-2", "compliance", "ccpa_opt_out", 4, EMAIL).build());

    assertThat(p.build().isCcpaOptedOut()).isTrue();
  }

  @Test
  void apply_olderCcpaOptOutArrivingLater_keepsTheLatestOptOutTime() {
    Profile.Builder p = holding(EMAIL);
    apply(p, event("e-2", "compliance", "ccpa_opt_out", 8, EMAIL).build());

    apply(p, event("e-1", "compliance", "ccpa_opt_out", 3, EMAIL).build());

    assertThat(p.ccpaOptOutAt()).contains(t(8));
  }

  @Test
  void apply_gdprDelete_leftToThePipelineAndNothingChanged() {
    Profile.Builder p = holding(EMAIL);
    Profile before = p.build();

    List<String> problems = apply(p, event("e-1", "compliance", "gdpr_delete", 5, EMAIL).build());

    assertThat(problems).singleElement().asString()
        .contains("gdpr_delete")
        .contains("e-1")
        .contains("erasure belongs to the ingest pipeline");
    assertThat(p.build()).isEqualTo(before);
  }

  @Test
  void apply_unknownComplianceAction_problem() {
    Profile.Builder p = holding(EMAIL);
    Profile before = p.build();

    List<String> problems = apply(p, event("e-1", "compliance", "lgpd_opt_out", 5, EMAIL).build());

    assertThat(problems).containsExactly("unknown compliance action in event e-1: lgpd_opt_out");
    assertThat(p.build()).isEqualTo(before);
  }
}
