package dev.clientele.core;

import dev.clientele.core.spi.EventStore;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.ProfileStore;
import dev.clientele.core.spi.Storage;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Valid values of core's types for the argument sweeps of every module's public API ({@code
 * ArgumentSweep} in {@code test-support}): what a sweep passes for a core parameter while it
 * probes another one. Shared through core's test jar, so that each module's sweep does not
 * carry its own copy; test-support itself cannot hold it, as it depends on nothing of Clientele
 * (core's own tests use it).
 */
public final class SweepValues {
  /** The instant the sample values carry. */
  public static final Instant T = Instant.parse("2026-10-03T14:05:00Z");
  /** The sample identifier. */
  public static final Identifier EMAIL = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  /** The sample profile id. */
  public static final ProfileId P1 = ProfileId.of("p-1");

  private SweepValues() {}

  /**
   * A new, modifiable map from the core types that other modules' APIs take to suppliers of a
   * valid value each (a new in-memory store for each storage interface), for a module to add its
   * own types to.
   */
  public static Map<Class<?>, Supplier<?>> coreTypes() {
    Map<Class<?>, Supplier<?>> m = new HashMap<>();
    m.put(Identifier.class, () -> EMAIL);
    m.put(IdentifierType.class, () -> IdentifierType.EMAIL);
    m.put(ProfileId.class, () -> P1);
    m.put(Profile.class, () -> Profile.builder(P1, T).build());
    m.put(Event.class, () -> Event.builder("e-1", "order", T).identifier(EMAIL).build());
    m.put(Channel.class, () -> Channel.EMAIL);
    m.put(Consent.class, () -> Consent.OPT_IN);
    m.put(ActivityRules.class, ActivityRules::defaults);
    for (Class<?> spi : List.of(Storage.class, ProfileStore.class, EventStore.class, InMemoryStorage.class)) {
      m.put(spi, InMemoryStorage::new);
    }
    return m;
  }
}
