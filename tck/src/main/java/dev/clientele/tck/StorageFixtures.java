package dev.clientele.tck;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.StoredEvent;
import java.time.Instant;
import java.util.Optional;

/**
 * Small builders for storage tests: minimal profiles, identifiers and stored events.
 *
 * <p>Public so that a backend's own tests can build the same data as the conformance suite.
 */
public final class StorageFixtures {
  /** The time every fixture profile was created at. */
  public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private StorageFixtures() {}

  /** {@code email:<local>@example.com}. */
  public static Identifier email(String local) {
    return Identifier.of(IdentifierType.EMAIL, local + "@example.com");
  }

  /** {@code customer_id:<value>}. */
  public static Identifier customerId(String value) {
    return Identifier.of(IdentifierType.CUSTOMER_ID, value);
  }

  /** A minimal profile at {@code version} holding {@code identifiers}, first seen at {@link #T0}. */
  public static Profile profile(String id, long version, Identifier... identifiers) {
    Profile.Builder b = Profile.builder(ProfileId.of(id), T0).version(version);
    for (Identifier identifier : identifiers) {
      b.putIdentifier(IdentifierState.firstSeen(identifier, T0, true, "test"));
    }
    return b.build();
  }

  /** The next version of {@code p}: same content, version + 1, one more event counted. */
  public static Profile next(Profile p) {
    return p.toBuilder().version(p.version() + 1).eventCount(p.eventCount() + 1).build();
  }

  /** A {@code pageview} event with one identifier, stored under that identifier. */
  public static StoredEvent event(String id, Instant at, Identifier anchor) {
    return new StoredEvent(Event.builder(id, "pageview", at).identifier(anchor).build(), anchor);
  }

  /** A {@code pageview} event at {@code T0 + seconds}, stored under {@code anchor}. */
  public static StoredEvent event(String id, long seconds, Identifier anchor) {
    return event(id, T0.plusSeconds(seconds), anchor);
  }

  /** A commit that creates {@code profile} (expected version 0) and indexes all its identifiers. */
  public static Commit create(Profile profile) {
    Commit.Builder b = Commit.builder().putProfile(profile, profile.version() - 1);
    for (IdentifierState s : profile.identifiers()) {
      b.assign(s.identifier(), Optional.empty(), profile.id());
    }
    return b.build();
  }
}
