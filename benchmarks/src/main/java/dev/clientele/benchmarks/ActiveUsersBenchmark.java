package dev.clientele.benchmarks;

import dev.clientele.analytics.ActiveUsers;
import dev.clientele.analytics.ActivityIndex;
import dev.clientele.analytics.MauCount;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.StoredEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * MAU through the store, as {@code Clientele.mau} runs it: {@value #EVENTS} stored events
 * (10 % of them not active) of {@value #PROFILES} profiles, each with an email and an anonymous
 * id, events anchored at either. Scores are stored events per second.
 *
 * <ul>
 *   <li>{@code activeUsersMau}: {@link ActiveUsers#mau}, building a fresh {@link ActivityIndex}
 *       (profile pass, event pass with one owner lookup per distinct anchor, sort) and querying it.
 *   <li>{@code buildIndex}: the build alone.
 *   <li>{@code perEventOwnerLookup}: the previous algorithm, as a baseline: an owner lookup per
 *       active event into a {@code HashSet<ProfileId>}, then a profile read per counted id.
 * </ul>
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ActiveUsersBenchmark -f 1 -wi 3 -i 5 -jvmArgs -Xmx4g
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ActiveUsersBenchmark.EVENTS)
public class ActiveUsersBenchmark {
  /** Stored events. */
  public static final int EVENTS = 2_000_000;
  /** Profiles. */
  public static final int PROFILES = 200_000;
  private static final LocalDate DAY = LocalDate.parse("2026-10-31");

  private InMemoryStorage storage;
  private final ActivityRules rules = ActivityRules.defaults();

  /** Fills the store (seeded). */
  @Setup(Level.Trial)
  public void fill() {
    storage = new InMemoryStorage();
    SplittableRandom random = new SplittableRandom(20261123);
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    Identifier[][] ids = new Identifier[PROFILES][];
    for (int p = 0; p < PROFILES; p++) {
      Identifier email = Identifier.of(IdentifierType.EMAIL, String.format(Locale.ROOT, "u%07d@example.com", p));
      Identifier cookie = Identifier.of(IdentifierType.ANONYMOUS_ID, String.format(Locale.ROOT, "a-%07d", p));
      ids[p] = new Identifier[] {email, cookie};
      ProfileId id = ProfileId.of(String.format(Locale.ROOT, "p-%07d", p));
      Profile profile = Profile.builder(id, created).version(1)
          .putIdentifier(IdentifierState.firstSeen(email, created, true, "bench"))
          .putIdentifier(IdentifierState.firstSeen(cookie, created, true, "bench")).build();
      storage.commit(Commit.builder().putProfile(profile, 0).assign(email, Optional.empty(), id).assign(cookie, Optional.empty(), id).build());
    }
    long monthStart = DAY.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    Commit.Builder batch = Commit.builder();
    for (int i = 0; i < EVENTS; i++) {
      int p = random.nextInt(PROFILES);
      Identifier anchor = ids[p][random.nextInt(2)];
      String type = random.nextInt(10) == 0 ? "consent" : "pageview";
      Event e = Event.builder("e-" + i, type, Instant.ofEpochSecond(monthStart + random.nextLong(31L * 86_400)))
          .identifier(anchor).build();
      batch.append(new StoredEvent(e, anchor));
      if (i % 10_000 == 9_999) {
        storage.commit(batch.build());
        batch = Commit.builder();
      }
    }
    storage.commit(batch.build());
  }

  /** The facade path: a fresh index, then the query. */
  @Benchmark
  public MauCount activeUsersMau() {
    return new ActiveUsers(storage, rules).mau(DAY);
  }

  /** Building the index alone. */
  @Benchmark
  public ActivityIndex buildIndex() {
    return ActivityIndex.build(storage, rules);
  }

  /** The previous algorithm: an owner lookup per active event into a hash set. */
  @Benchmark
  public long perEventOwnerLookup() {
    Instant from = DAY.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = DAY.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Set<ProfileId> active = new HashSet<>();
    try (Stream<StoredEvent> events = storage.allEvents()) {
      events.forEach(e -> {
        Instant t = e.event().timestamp();
        if (!t.isBefore(from) && t.isBefore(to) && rules.isActive(e.event())) {
          storage.owner(e.anchor()).ifPresent(active::add);
        }
      });
    }
    List<Boolean> anonymous = new ArrayList<>();
    for (ProfileId id : active) {
      storage.profile(id).ifPresent(p -> anonymous.add(p.isAnonymous()));
    }
    return active.size() + anonymous.size();
  }
}
