package dev.clientele.benchmarks;

import dev.clientele.consent.Audience;
import dev.clientele.consent.AudienceCounts;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.UndeliverableReason;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Audience counts (reachable / unreachable per channel, reachable on any) over
 * {@value #PROFILES} profiles in one pass, beside a bare pass over the same profiles that only
 * touches each profile's identifiers. The score is time per profile.
 *
 * <p>Profiles are written straight into an {@link InMemoryStorage} (untimed): 1–3 emails seen
 * at different times, a phone for 40 %, 0–2 push tokens, random consent (a third each), 5 %
 * hard-bounced, 2 % CCPA opt-outs; seeded, so every run counts the same population.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar AudienceBenchmark -f 1 -wi 2 -i 5 -jvmArgs -Xmx8g
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(AudienceBenchmark.PROFILES)
public class AudienceBenchmark {
  /** Profiles in the store. */
  public static final int PROFILES = 1_000_000;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private InMemoryStorage storage;
  private Audience audience;

  /** Fills the store. */
  @Setup(Level.Trial)
  public void fill() {
    storage = new InMemoryStorage();
    SplittableRandom random = new SplittableRandom(20261123);
    Consent[] consents = Consent.values();
    for (int i = 0; i < PROFILES; i++) {
      Profile.Builder b = Profile.builder(ProfileId.of(String.format(Locale.ROOT, "p-%08d", i)), T0).version(1);
      int emails = 1 + random.nextInt(3);
      for (int e = 0; e < emails; e++) {
        b.putIdentifier(state(IdentifierType.EMAIL, "u" + i + "-" + e + "@example.com", random.nextInt(10_000_000), random, consents));
      }
      if (random.nextInt(100) < 40) {
        b.putIdentifier(state(IdentifierType.PHONE, "+1201555" + String.format(Locale.ROOT, "%07d", i % 10_000_000), random.nextInt(10_000_000), random, consents));
      }
      int tokens = random.nextInt(3);
      for (int t = 0; t < tokens; t++) {
        b.putIdentifier(state(IdentifierType.PUSH_TOKEN, "tok-" + i + "-" + t, random.nextInt(10_000_000), random, consents));
      }
      if (random.nextInt(100) < 2) {
        b.ccpa(Optional.of(T0), Optional.empty());
      }
      storage.commit(Commit.builder().putProfile(b.build(), 0).build());
    }
    audience = new Audience(storage, ReachabilityPolicy.defaults());
  }

  private static IdentifierState state(IdentifierType type, String value, int seconds, SplittableRandom random, Consent[] consents) {
    Instant seen = T0.plusSeconds(seconds);
    IdentifierState s = IdentifierState.firstSeen(Identifier.of(type, value), seen, true, "bench");
    Consent c = consents[random.nextInt(consents.length)];
    if (c != Consent.UNKNOWN) {
      s = s.withConsent(c, seen);
    }
    if (random.nextInt(100) < 5) {
      s = s.withDeliverability(Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, seen));
    }
    return s;
  }

  /** Counts the audience: every channel of every profile evaluated, with reasons. */
  @Benchmark
  public AudienceCounts audience() {
    return audience.count();
  }

  /** The bare pass: visits the same profiles in the same pages and touches their identifiers. */
  @Benchmark
  public void barePass(Blackhole bh) {
    long[] n = {0};
    storage.forEachProfile(p -> n[0] += p.identifiers().size());
    bh.consume(n[0]);
  }
}
