package dev.clientele.examples;

import dev.clientele.Clientele;
import dev.clientele.IngestResult;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import java.time.Instant;

/**
 * Identity resolution: differently written emails and phone numbers are one person; a junk value
 * (here {@code test@test.com}, blocked by default) links nobody.
 */
public final class IdentityExample {
  private IdentityExample() {}

  /**
   * Ingests variants of one person's email and phone, then two strangers who both typed the junk
   * address, and prints what Clientele made of them.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Instant t = Instant.parse("2026-10-03T14:05:00Z");
    try (Clientele clientele = Clientele.inMemory()) {
      clientele.ingest(login("e-1", t, IdentifierType.EMAIL, "  Ann.Lee@Example.COM"));
      clientele.ingest(login("e-2", t.plusSeconds(60), IdentifierType.EMAIL, "ann.lee@example.com", IdentifierType.PHONE, "+44 20 7946 0958"));
      clientele.ingest(login("e-3", t.plusSeconds(120), IdentifierType.PHONE, "0044 20 7946 0958"));
      Profile ann = clientele.profile(Identifier.of(IdentifierType.PHONE, "+442079460958")).orElseThrow();
      System.out.println("one profile: " + clientele.storage().profileCount() + ", identifiers " + ann.identifiers().size()
          + ", events " + ann.eventCount());
      ann.identifiers().forEach(s -> System.out.println("  " + s.type() + " = " + s.identifier().value()));

      IngestResult bob = clientele.ingest(login("e-4", t.plusSeconds(180), IdentifierType.EMAIL, "test@test.com", IdentifierType.CUSTOMER_ID, "c-bob"));
      IngestResult eve = clientele.ingest(login("e-5", t.plusSeconds(240), IdentifierType.EMAIL, "TEST@test.com", IdentifierType.CUSTOMER_ID, "c-eve"));
      System.out.println("junk email links nobody: " + !bob.profile().equals(eve.profile())
          + ", profiles now " + clientele.storage().profileCount());
      System.out.println("reported: " + eve.problems());
    }
  }

  private static Event login(String id, Instant at, Object... typeValue) {
    Event.Builder b = Event.builder(id, "login", at).action("login");
    for (int i = 0; i < typeValue.length; i += 2) {
      b.identifier((IdentifierType) typeValue[i], (String) typeValue[i + 1]);
    }
    return b.build();
  }
}
