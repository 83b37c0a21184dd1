package dev.clientele.examples;

import dev.clientele.Clientele;
import dev.clientele.analytics.MauCount;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The README's quick start: an anonymous visitor identifies, and the profile is found again by a
 * differently written email. Its imports and the body of {@link #main} are the README's quick start
 * ({@code QuickStartTest} checks that they stay the same).
 */
public final class QuickStart {
  private QuickStart() {}

  /**
   * Runs the quick start and prints the profile and the month's active users.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (Clientele clientele = Clientele.inMemory()) {
      Instant t = Instant.parse("2026-10-03T14:05:00Z");
      clientele.ingest(Event.builder("e-1", "pageview", t)
          .identifier(IdentifierType.ANONYMOUS_ID, "device-9").build());
      clientele.ingest(Event.builder("e-2", "identify", t.plusSeconds(60))
          .identifier(IdentifierType.ANONYMOUS_ID, "device-9")
          .identifier(IdentifierType.EMAIL, " Ann@Example.com ")
          .data("first_name", "Ann").build());
      Profile ann = clientele.profile(Identifier.of(IdentifierType.EMAIL, "ann@example.com")).orElseThrow();
      System.out.println(ann.displayName().orElseThrow() + " has " + ann.eventCount() + " events");
      MauCount mau = clientele.mau(LocalDate.parse("2026-10-31"));
      System.out.println("MAU " + mau.month() + ": " + mau.mau());
    }
  }
}
