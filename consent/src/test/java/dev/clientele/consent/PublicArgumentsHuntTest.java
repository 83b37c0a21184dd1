package dev.clientele.consent;

import dev.clientele.testsupport.ArgumentSweep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.InMemoryStorage;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The argument checks of every public member of consent's API, swept by reflection ({@link
 * ArgumentSweep}): null, edge numbers, odd strings (masked in messages when personal), collections
 * copied in and read-only out; and the rules of its builders.
 */
class PublicArgumentsHuntTest {
  static final Instant T = Instant.parse("2026-10-03T14:05:00Z");
  static final Identifier EMAIL = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  static final ProfileId P1 = ProfileId.of("p-1");


  static Map<Class<?>, Supplier<?>> own() {
    Map<Class<?>, Supplier<?>> m = dev.clientele.core.SweepValues.coreTypes();
    m.put(ReachabilityPolicy.class, ReachabilityPolicy::defaults);
    m.put(ReachabilityPolicy.Builder.class, ReachabilityPolicy::builder);
    m.put(ReachabilityEvaluator.class, () -> new ReachabilityEvaluator(ReachabilityPolicy.defaults()));
    m.put(Audience.class, () -> new Audience(new InMemoryStorage(), ReachabilityPolicy.defaults()));
    m.put(ErasurePolicy.class, ErasurePolicy::defaults);
    m.put(ErasurePolicy.Builder.class, ErasurePolicy::builder);
    m.put(Erasure.class, () -> new Erasure(new InMemoryStorage(), ErasurePolicy.defaults()));
    m.put(Erasure.Retry.class, () -> (Erasure.Retry) (op, conflict) -> op.get());
    m.put(byte[].class, () -> new byte[16]);
    m.put(ChannelReachability.class, () -> new ChannelReachability(Channel.EMAIL, true, List.of(EMAIL), List.of("reachable")));
    m.put(AudienceCounts.ChannelCount.class, () -> new AudienceCounts.ChannelCount(1, 0));
    m.put(Reachability.class, () -> new Reachability(P1, Map.of(Channel.EMAIL,
        new ChannelReachability(Channel.EMAIL, true, List.of(EMAIL), List.of("reachable")))));
    m.put(ErasureReport.class, () -> new ErasureReport(P1, List.of(), Map.of(), 0, 0, 0, List.of()));
    m.put(ConsentChange.class, () -> new ConsentChange(T, EMAIL, Consent.OPT_IN, "app", Optional.empty(), "e-1"));
    return m;
  }

  static Map<String, Supplier<?>> byName() {
    Map<String, Supplier<?>> m = new HashMap<>();
    m.put("list", () -> "news");
    m.put("source", () -> "app");
    m.put("eventId", () -> "e-1");
    return m;
  }

  static ArgumentSweep sweep() {
    Map<Class<?>, Supplier<?>> own = own();
    Map<String, Supplier<?>> byKey = Map.of("AudienceCounts#new/channels", () -> Map.of(
        Channel.EMAIL, new AudienceCounts.ChannelCount(1, 0), Channel.SMS, new AudienceCounts.ChannelCount(0, 1),
        Channel.PUSH, new AudienceCounts.ChannelCount(0, 1)));
    return ArgumentSweep.over(ArgumentSweep.publicTypes(Erasure.class), byKey, byName(), own);
  }

  @Test
  void publicArguments_sweep() {
    ArgumentSweep s = sweep().run();
    System.out.println(s.report("consent"));
    s.accepted.stream().filter(a -> a.endsWith("=control") || a.endsWith("=surrogate") || a.endsWith("=newline")
        || a.endsWith("=huge") || a.endsWith("=-1")).forEach(a -> System.out.println("  accepted: " + a));
    assertThat(s.findings).isEmpty();
  }
}
