package dev.clientele.segments;

import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.StoredEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A store of hand-built profiles and their events, for evaluating segments without the sdk. */
final class World {
  static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

  final InMemoryStorage storage = new InMemoryStorage();
  private final AtomicInteger eventIds = new AtomicInteger();

  /** A builder for a profile holding one customer id, created a year before {@link #NOW}. */
  static Profile.Builder person(String id) {
    Instant created = NOW.minusSeconds(365L * 86_400);
    return Profile.builder(ProfileId.of(id), created)
        .putIdentifier(IdentifierState.firstSeen(Identifier.of("customer_id", "c-" + id), created, true, "test"));
  }

  /** Stores {@code profile} (new) with its identifiers indexed and {@code events} anchored at its first identifier. */
  Profile add(Profile.Builder builder, Event.Builder... events) {
    Profile p = builder.version(1).build();
    Commit.Builder c = Commit.builder().putProfile(p, 0);
    for (IdentifierState s : p.identifiers()) {
      c.assign(s.identifier(), Optional.empty(), p.id());
    }
    Identifier anchor = p.identifiers().get(0).identifier();
    for (Event.Builder e : events) {
      c.append(new StoredEvent(e.identifier(anchor).build(), anchor));
    }
    storage.commit(c.build());
    return p;
  }

  /** Replaces {@code current} with {@code next} (version bumped) and appends {@code events}. */
  Profile update(Profile current, java.util.function.UnaryOperator<Profile.Builder> change, Event.Builder... events) {
    Profile p = change.apply(current.toBuilder()).version(current.version() + 1).build();
    Commit.Builder c = Commit.builder().putProfile(p, current.version());
    Identifier anchor = p.identifiers().get(0).identifier();
    for (Event.Builder e : events) {
      c.append(new StoredEvent(e.identifier(anchor).build(), anchor));
    }
    storage.commit(c.build());
    return p;
  }

  /** Deletes {@code p} and its index entries (as a merge or erasure would). */
  void remove(Profile p) {
    Commit.Builder c = Commit.builder().deleteProfile(p.id(), p.version());
    for (IdentifierState s : p.identifiers()) {
      c.unassign(s.identifier(), p.id());
    }
    storage.commit(c.build());
  }

  /** An event of {@code type} at {@code daysAgo} days before {@link #NOW}. */
  Event.Builder event(String type, double daysAgo) {
    return Event.builder("e-" + eventIds.incrementAndGet(), type, NOW.minusSeconds(Math.round(daysAgo * 86_400)));
  }

  Segments segments(SegmentConfig config) {
    return Segments.over(storage, config, ReachabilityPolicy.defaults(), ActivityThresholds.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  Segments segments() {
    return segments(SegmentConfig.none());
  }
}
