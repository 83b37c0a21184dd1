package dev.clientele.consent.internal;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Identifiers, events and a profile builder that already holds the identifiers, for driving {@link ConsentChanges}. */
final class Fixtures {
  static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");
  static final Identifier EMAIL = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  static final Identifier PHONE = Identifier.of(IdentifierType.PHONE, "+442079460123");
  static final Identifier PUSH = Identifier.of(IdentifierType.PUSH_TOKEN, "tok-1");
  static final Identifier CUSTOMER = Identifier.of(IdentifierType.CUSTOMER_ID, "c-77");
  static final Identifier ANON = Identifier.of(IdentifierType.ANONYMOUS_ID, "a-9");

  private Fixtures() {}

  static Instant t(int minutes) {
    return T0.plusSeconds(60L * minutes);
  }

  /** A profile builder holding {@code identifiers}, each first seen at {@link #T0}: deliverable, consent unknown. */
  static Profile.Builder holding(Identifier... identifiers) {
    Profile.Builder b = Profile.builder(ProfileId.of("p-1"), T0);
    for (Identifier id : identifiers) {
      b.putIdentifier(IdentifierState.firstSeen(id, T0, true, "test"));
    }
    return b;
  }

  static Event.Builder event(String id, String type, String action, int minute, Identifier... identifiers) {
    Event.Builder b = Event.builder(id, type, t(minute)).action(action);
    for (Identifier i : identifiers) {
      b.identifier(i);
    }
    return b;
  }

  /** Applies {@code event} with all its identifiers and returns the problems reported. */
  static List<String> apply(Profile.Builder profile, Event event) {
    List<String> problems = new ArrayList<>();
    ConsentChanges.apply(profile, event, event.identifiers(), problems);
    return problems;
  }

  static IdentifierState state(Profile.Builder profile, Identifier id) {
    return profile.identifier(id).orElseThrow();
  }
}
