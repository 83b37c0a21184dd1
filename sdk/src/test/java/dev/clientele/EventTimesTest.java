package dev.clientele;

import static dev.clientele.Fixtures.email;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventTimesTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

  private static Event identify(String id, Instant at, String name) {
    return Event.builder(id, "identify", at).identifier(email("ann@example.com")).data("first_name", name).build();
  }

  @Test
  void eventTimes_outsideTheWindow_rejectedAndNotStored() {
    Clientele c = Clientele.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .eventTimes(Duration.ofDays(30), Duration.ofMinutes(10)).build();

    IngestResult future = c.ingest(identify("e-1", Instant.parse("9999-01-01T00:00:00Z"), "Mallory"));
    IngestResult old = c.ingest(identify("e-2", NOW.minus(Duration.ofDays(31)), "Old"));
    IngestStats batch = c.ingestAll(List.of(identify("e-3", NOW.plus(Duration.ofMinutes(11)), "Soon")));
    IngestResult fine = c.ingest(identify("e-4", NOW.minus(Duration.ofDays(29)), "Ann"));
    IngestResult edge = c.ingest(identify("e-5", NOW.plus(Duration.ofMinutes(10)), "Ann"));

    assertThat(future.outcome()).isEqualTo(IngestResult.Outcome.REJECTED);
    assertThat(future.problems()).containsExactly(
        "event e-1 rejected: its time 9999-01-01T00:00:00Z is more than PT10M after now (2026-11-24T12:00:00Z)");
    assertThat(old.problems()).containsExactly(
        "event e-2 rejected: its time 2026-10-24T12:00:00Z is more than PT720H before now (2026-11-24T12:00:00Z)");
    assertThat(batch.rejected()).isEqualTo(1);
    assertThat(fine.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    assertThat(edge.outcome()).as("the bounds are inclusive").isEqualTo(IngestResult.Outcome.APPLIED);
    assertThat(c.storage().containsEvent("e-1")).isFalse();
    assertThat(c.profile(email("ann@example.com")).orElseThrow().displayName()).contains("Ann");
  }

  @Test
  void eventTimes_default_anyTime() {
    Clientele c = Clientele.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

    assertThat(c.ingest(identify("e-1", Instant.parse("1997-01-01T00:00:00Z"), "Ann")).outcome())
        .isEqualTo(IngestResult.Outcome.APPLIED);
  }

  @Test
  void eventTimes_negative_refused() {
    assertThatThrownBy(() -> Clientele.builder().eventTimes(Duration.ofDays(-1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAge must not be negative: PT-24H");
  }

  @Test
  void eventTimes_storedEventSentAgainLater_isADuplicateNotRejected() {
    java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(NOW);
    Clock moving = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
    Clientele c = Clientele.builder().clock(moving).eventTimes(Duration.ofDays(1), Duration.ZERO).build();
    Event e = identify("e-1", NOW.minusSeconds(60), "Ann");
    assertThat(c.ingest(e).outcome()).isEqualTo(IngestResult.Outcome.APPLIED);

    now.set(NOW.plus(Duration.ofDays(3)));

    assertThat(c.ingest(e).outcome()).isEqualTo(IngestResult.Outcome.DUPLICATE);
  }
}
