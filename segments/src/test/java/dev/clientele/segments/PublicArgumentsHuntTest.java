package dev.clientele.segments;

import dev.clientele.testsupport.ArgumentSweep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.analytics.ActivityStatus;
import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import dev.clientele.core.ProfileSearch;
import dev.clientele.core.spi.InMemoryStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The argument checks of every public member of segments' API, swept by reflection ({@link
 * ArgumentSweep}): null, edge numbers, odd strings (masked in messages when personal), collections
 * copied in and read-only out; and the rules of its builder.
 */
class PublicArgumentsHuntTest {
  static final Instant T = Instant.parse("2026-10-03T14:05:00Z");
  static final Identifier EMAIL = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  static final ProfileId P1 = ProfileId.of("p-1");


  static Segments segments() {
    return Segments.over(new InMemoryStorage(), SegmentConfig.none(), ReachabilityPolicy.defaults(),
        ActivityThresholds.defaults(), Clock.fixed(T, ZoneOffset.UTC));
  }

  static Map<Class<?>, Supplier<?>> own() {
    Map<Class<?>, Supplier<?>> m = dev.clientele.core.SweepValues.coreTypes();
    Condition c = Condition.inList("news");
    m.put(Condition.class, () -> c);
    m.put(Condition.AttributeIs.class, () -> Condition.attributeKnown("city"));
    m.put(Condition.EventMeasure.class, () -> Condition.eventCount("order", Comparison.values()[0], 1));
    m.put(Condition.Occurrence.class, () -> Condition.occurred("order", Condition.Which.values()[0], Duration.ofDays(1)));
    m.put(Segment.class, () -> Segment.of("vip", c));
    m.put(SegmentConfig.class, SegmentConfig::none);
    m.put(SegmentConfig.Builder.class, SegmentConfig::builder);
    m.put(SegmentListener.class, () -> (SegmentListener) t -> { });
    m.put(FigureSource.class, () -> (FigureSource) (id, name) -> OptionalDouble.empty());
    m.put(MembershipStore.class, InMemoryMembershipStore::new);
    m.put(InMemoryMembershipStore.class, InMemoryMembershipStore::new);
    m.put(MembershipSpan.class, () -> new MembershipSpan("vip", T, Optional.empty(), Optional.empty(), Optional.empty()));
    m.put(Segments.class, PublicArgumentsHuntTest::segments);
    m.put(SegmentQueries.class, PublicArgumentsHuntTest::segments);
    m.put(ReachabilityPolicy.class, ReachabilityPolicy::defaults);
    m.put(ActivityThresholds.class, ActivityThresholds::defaults);
    m.put(ActivityStatus.class, () -> ActivityStatus.values()[0]);
    m.put(ProfileSearch.class, ProfileSearch::all);
    m.put(ProfileChange.class, () -> new ProfileChange(Event.builder("e-1", "order", T).identifier(EMAIL).build(), P1,
        true, List.of()));
    return m;
  }

  static Map<String, Supplier<?>> byName() {
    Map<String, Supplier<?>> m = new HashMap<>();
    m.put("name", () -> "vip");
    m.put("segment", () -> "vip");
    m.put("list", () -> "news");
    m.put("type", () -> "order");
    m.put("eventType", () -> "order");
    m.put("action", () -> "purchase");
    m.put("field", () -> "total");
    m.put("category", () -> "shoes");
    m.put("json", () -> "{\"name\":\"vip\",\"condition\":{\"inList\":\"news\"}}");
    return m;
  }

  static ArgumentSweep sweep() {
    Map<Class<?>, Supplier<?>> own = own();
    return ArgumentSweep.over(ArgumentSweep.publicTypes(Segment.class), Map.of(), byName(), own)
        .nullable("Comparison#fromKey/key", "Javadoc: empty for null")
        .allow("Comparison#test/value=*", "Javadoc: by Double.compare, NaN and infinities ordered")
        .allow("Comparison#test/threshold=*", "Javadoc: by Double.compare, NaN and infinities ordered")
        .allow("SegmentConfig.Builder#listen/segment=*", "build() refuses a listener of an undefined segment "
            + "(IllegalStateException naming it, shown masked when not a plain name)")
        .allow("SegmentConfig.Builder#onEnter/segment=*", "as listen")
        .allow("SegmentConfig.Builder#onLeave/segment=*", "as listen")
        .alias("Condition#affinity/category", "figure name")
        .alias("Condition.AttributeIs#from/sourceName", "source")
        .alias("Condition.Figure#new/value", "figure threshold")
        .alias("Condition#affinity/value", "figure threshold")
        .alias("Condition#figure/value", "figure threshold")
        .alias("Condition#occurred/window", "within")
        .alias("MembershipSpan#leave/eventId", "leftBy");
  }

  @Test
  void publicArguments_sweep() {
    ArgumentSweep s = sweep().run();
    System.out.println(s.report("segments"));
    s.accepted.stream().filter(a -> a.endsWith("=control") || a.endsWith("=surrogate") || a.endsWith("=newline")
        || a.endsWith("=huge") || a.endsWith("=-1")).forEach(a -> System.out.println("  accepted: " + a));
    assertThat(s.findings).isEmpty();
  }

  @Test
  void names_inMessages_shownMaskedWhenNotPlain() {
    String name = "ann." + ArgumentSweep.MARK + "@example.com\n" + "x".repeat(300);
    for (Runnable r : List.<Runnable>of(() -> Segment.of(name, Condition.inList("news")), () -> Condition.inList(name),
        () -> Condition.attributeKnown(name), () -> Condition.eventCount(name, Comparison.values()[0], 1),
        () -> SegmentConfig.builder().listen(name, t -> { }).build())) {
      assertThatThrownBy(r::run).message().doesNotContain(ArgumentSweep.MARK).doesNotContain("\n").hasSizeLessThan(120);
    }
    assertThatThrownBy(() -> Condition.inList("x".repeat(129))).hasMessageContaining("x***(129)");
    assertThatThrownBy(() -> Segment.of("bad name", Condition.inList("news"))).hasMessageContaining("b***(8)");
  }

  @Test
  void conditions_nullArguments_refusedNamingThem() {
    assertThatThrownBy(() -> Condition.all((Condition[]) null)).hasMessage("conditions");
    assertThatThrownBy(() -> Condition.inList("news").and(null)).hasMessage("other");
    assertThatThrownBy(() -> Condition.affinity(null, Comparison.values()[0], 1)).hasMessage("category");
  }

  @Test
  void segmentConfigBuilder_laterChanges_doNotReachABuiltConfig() {
    SegmentConfig.Builder b = SegmentConfig.builder().define(Segment.of("vip", Condition.inList("news")));
    SegmentConfig first = b.build();
    b.define(Segment.of("other", Condition.inList("news")));
    List<Segment> defined = new ArrayList<>(first.segments());
    assertThat(defined).extracting(Segment::name).containsExactly("vip");
    assertThatThrownBy(() -> SegmentConfig.builder().define(Segment.of("vip", Condition.inList("news")))
        .define(Segment.of("vip", Condition.inList("other"))).build()).hasMessageContaining("vip");
  }
}
