package dev.clientele;

import static dev.clientele.Fixtures.anonymousId;
import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.clientele.analytics.MauCount;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;

/** Monthly active users through the facade: ingest decides who is one person, MAU counts them. */
class MauTest {
  private static final LocalDate DAY = LocalDate.parse("2026-10-20");

  private static Event event(String id, String type, String action, String at, Identifier... identifiers) {
    Event.Builder b = Event.builder(id, type, Instant.parse(at)).action(action);
    for (Identifier i : identifiers) {
      b.identifier(i);
    }
    return b.build();
  }

  @Test
  void mau_visitorIdentifiedMidMonth_countsOnceAsIdentified() {
    try (Clientele c = Fixtures.clientele()) {
      c.ingest(event("e-1", "pageview", "", "2026-10-02T10:00:00Z", anonymousId("a-1")));
      assertThat(c.mau(DAY)).isEqualTo(new MauCount(DAY, YearMonth.of(2026, 10), 1, 0, 1));

      c.ingest(event("e-2", "login", "", "2026-10-12T10:00:00Z", anonymousId("a-1"), email("ann@example.com")));

      assertThat(c.mau(DAY)).isEqualTo(new MauCount(DAY, YearMonth.of(2026, 10), 1, 1, 0));
      assertThat(c.mau(LocalDate.parse("2026-10-05"))).isEqualTo(new MauCount(LocalDate.parse("2026-10-05"), YearMonth.of(2026, 10), 1, 1, 0));
    }
  }

  @Test
  void mau_mergedProfiles_countOnce() {
    try (Clientele c = Fixtures.clientele()) {
      c.ingest(event("e-1", "pageview", "", "2026-10-02T10:00:00Z", anonymousId("a-1")));
      c.ingest(event("e-2", "login", "", "2026-10-03T10:00:00Z", customerId("c-1")));
      assertThat(c.mau(DAY).mau()).isEqualTo(2);

      c.ingest(event("e-3", "consent", "opt_in", "2026-09-03T10:00:00Z", customerId("c-1"), anonymousId("a-1")));

      assertThat(c.mau(DAY)).isEqualTo(new MauCount(DAY, YearMonth.of(2026, 10), 1, 1, 0));
    }
  }

  @Test
  void mau_nonActiveEventsOnly_countNobody() {
    try (Clientele c = Fixtures.clientele()) {
      c.ingest(event("e-1", "consent", "opt_in", "2026-10-02T10:00:00Z", email("ann@example.com")));
      c.ingest(event("e-2", "campaign", "sent", "2026-10-02T10:00:00Z", email("bob@example.com")));
      c.ingest(event("e-3", "reachability", "hard_bounce", "2026-10-02T10:00:00Z", email("cy@example.com")));

      assertThat(c.mau(DAY).mau()).isZero();

      c.ingest(event("e-4", "campaign", "open", "2026-10-03T10:00:00Z", email("bob@example.com")));

      assertThat(c.mau(DAY)).isEqualTo(new MauCount(DAY, YearMonth.of(2026, 10), 1, 1, 0));
    }
  }

  @Test
  void mau_configuredActivityRules_areUsed() {
    try (Clientele c = Clientele.builder().activityRules(ActivityRules.defaults().withActive("campaign", "sent")).build()) {
      c.ingest(event("e-1", "campaign", "sent", "2026-10-02T10:00:00Z", email("bob@example.com")));

      assertThat(c.mau(DAY).mau()).isEqualTo(1);
    }
  }

  @Test
  void mau_null_refused() {
    try (Clientele c = Fixtures.clientele()) {
      assertThatNullPointerException().isThrownBy(() -> c.mau(null));
    }
  }
}
