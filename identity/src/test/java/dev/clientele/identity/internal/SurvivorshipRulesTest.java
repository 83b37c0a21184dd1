package dev.clientele.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.clientele.identity.SurvivorshipRules;
import dev.clientele.core.Attribute;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.identity.SurvivorshipRules.AttributeMerge;
import dev.clientele.identity.SurvivorshipRules.Survivor;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import org.junit.jupiter.api.Test;

class SurvivorshipRulesTest {
  private static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");

  private static Attribute attr(String name, Object value, int minute) {
    return new Attribute(name, value, "web", T0.plusSeconds(60L * minute));
  }

  private static Profile profile(String id, int createdMinute, int updatedMinute, long events, Attribute... attributes) {
    Profile.Builder b = Profile.builder(ProfileId.of(id), T0.plusSeconds(60L * createdMinute))
        .updatedAt(T0.plusSeconds(60L * updatedMinute)).eventCount(events).version(1);
    for (Attribute a : attributes) {
      b.putAttribute(a);
    }
    return b.build();
  }

  private static Object merged(AttributeMerge strategy, Attribute x, Attribute y) {
    SurvivorshipRules rules = SurvivorshipRules.builder().attribute(x.name(), strategy).build();
    Profile a = profile("p-a", 0, 1, 1, x);
    Profile b = profile("p-b", 0, 2, 1, y);
    return Survivorship.merge(List.of(a, b), rules).build().attributes().get(x.name()).value();
  }

  @Test
  void attributeMerge_eachStrategy_resolvesTheConflictAsDocumented() {
    Attribute older = attr("city", "Leeds", 1);
    Attribute newer = attr("city", "York", 5);
    Attribute empty = attr("city", "", 0);
    assertThat(merged(AttributeMerge.LATEST, older, newer)).isEqualTo("York");
    assertThat(merged(AttributeMerge.OLDEST, older, newer)).isEqualTo("Leeds");
    assertThat(merged(AttributeMerge.OLDEST, empty, newer)).isEqualTo("");
    assertThat(merged(AttributeMerge.FIRST_NON_EMPTY, empty, newer)).isEqualTo("York");
    assertThat(merged(AttributeMerge.FIRST_NON_EMPTY, older, newer)).isEqualTo("Leeds");
    assertThat(merged(AttributeMerge.FIRST_NON_EMPTY, empty, attr("city", "", 3))).isEqualTo("");

    assertThat(merged(AttributeMerge.SUM, attr("points", 40L, 1), attr("points", 2L, 5))).isEqualTo(42L);
    assertThat(merged(AttributeMerge.SUM, attr("points", 40L, 1), attr("points", new BigDecimal("2.5"), 5)))
        .isEqualTo(new BigDecimal("42.5"));
    assertThat(merged(AttributeMerge.SUM, attr("points", Long.MAX_VALUE, 1), attr("points", 1L, 5)))
        .isEqualTo(new BigDecimal(Long.MAX_VALUE).add(BigDecimal.ONE));
    assertThat(merged(AttributeMerge.SUM, attr("points", 40L, 1), attr("points", "n/a", 5))).isEqualTo(40L);
    BigDecimal huge = new BigDecimal("9".repeat(dev.clientele.core.EventData.MAX_VALUE_DIGITS));
    assertThat(merged(AttributeMerge.SUM, attr("points", huge, 1), attr("points", huge.subtract(BigDecimal.ONE), 5)))
        .as("a sum beyond the number bounds keeps the later value instead of failing the merge")
        .isEqualTo(huge.subtract(BigDecimal.ONE));

    assertThat(merged(AttributeMerge.UNION, attr("interests", List.of("jazz", "golf"), 1), attr("interests", List.of("golf", "chess"), 5)))
        .isEqualTo(List.of("chess", "golf", "jazz"));
    assertThat(merged(AttributeMerge.UNION, attr("interests", "jazz", 1), attr("interests", List.of("golf"), 5)))
        .isEqualTo(List.of("golf", "jazz"));
  }

  @Test
  void attributeMerge_unconfiguredAttributes_useTheDefaultStrategy() {
    SurvivorshipRules rules = SurvivorshipRules.builder().defaultAttributeMerge(AttributeMerge.OLDEST).build();
    Profile a = profile("p-a", 0, 1, 1, attr("city", "Leeds", 1));
    Profile b = profile("p-b", 0, 2, 1, attr("city", "York", 5));

    assertThat(Survivorship.merge(List.of(a, b), rules).build().attributes().get("city").value()).isEqualTo("Leeds");
    assertThat(rules.attributeMerge("anything")).isEqualTo(AttributeMerge.OLDEST);
  }

  @Test
  void survivor_eachRule_picksTheDocumentedProfile_tiesToTheSmallerId() {
    Profile oldQuiet = profile("p-b", 0, 3, 2);
    Profile newBusy = profile("p-c", 5, 9, 7);
    Profile tieBusy = profile("p-a", 6, 8, 7);
    List<Profile> all = List.of(oldQuiet, newBusy, tieBusy);

    assertThat(Survivorship.survivor(all, SurvivorshipRules.DEFAULTS).id()).isEqualTo(newBusy.id());
    assertThat(Survivorship.survivor(all, SurvivorshipRules.builder().survivor(Survivor.OLDEST).build()).id())
        .isEqualTo(oldQuiet.id());
    assertThat(Survivorship.survivor(all, SurvivorshipRules.builder().survivor(Survivor.MOST_EVENTS).build()).id())
        .isEqualTo(tieBusy.id());
  }

  @Test
  void builder_badOrRepeatedSettings_throwNamingThem() {
    assertThatIllegalArgumentException().isThrownBy(() -> SurvivorshipRules.builder().attribute("Bad Name", AttributeMerge.SUM))
        .withMessageContaining("attribute name");
    assertThatIllegalStateException().isThrownBy(() -> SurvivorshipRules.builder()
        .attribute("city", AttributeMerge.SUM).attribute("city", AttributeMerge.OLDEST)).withMessageContaining("city");
    assertThatIllegalStateException().isThrownBy(() -> SurvivorshipRules.builder()
        .survivor(Survivor.OLDEST).survivor(Survivor.OLDEST)).withMessageContaining("survivor");
  }

  // ---------------------------------------------------------------------------------------------
  // For every strategy, combining observations is commutative and associative: any order of
  // merging the same profiles gives the same value.

  private static Arbitrary<Object> value() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(-5, 5).map(v -> (Object) v),
        Arbitraries.longs().between(-5, 5).map(v -> (Object) v),
        Arbitraries.longs().between(Long.MAX_VALUE - 2, Long.MAX_VALUE).map(v -> (Object) v),
        Arbitraries.longs().between(-3, 3).map(v -> (Object) BigDecimal.valueOf(v)),
        Arbitraries.bigDecimals().between(new BigDecimal("-3"), new BigDecimal("3")).ofScale(1).map(v -> (Object) v),
        Arbitraries.of("", "a", "b", "1").map(v -> (Object) v),
        Arbitraries.of("a", "b", "c").list().ofMaxSize(3).map(l -> (Object) List.copyOf(l)));
  }

  @Provide
  Arbitrary<Tuple2<List<Attribute>, List<Attribute>>> observationsAndPermutation() {
    Arbitrary<Attribute> one = Combinators.combine(value(), Arbitraries.integers().between(0, 3), Arbitraries.of("api", "web"))
        .as((v, minute, source) -> new Attribute("field", v, source, T0.plusSeconds(60L * minute)));
    return one.list().ofMinSize(2).ofMaxSize(4)
        .flatMap(list -> Arbitraries.shuffle(list).map(p -> Tuple.of(list, p)));
  }

  @Property(tries = 400)
  void combine_anyStrategyAnyOrder_sameValue(
      @ForAll AttributeMerge strategy, @ForAll("observationsAndPermutation") Tuple2<List<Attribute>, List<Attribute>> input) {
    assertThat(fold(input.get2(), strategy)).isEqualTo(fold(input.get1(), strategy));
    assertThat(foldRight(input.get1(), strategy)).isEqualTo(fold(input.get1(), strategy));
  }

  private static Attribute fold(List<Attribute> list, AttributeMerge strategy) {
    Attribute acc = list.get(0);
    for (int i = 1; i < list.size(); i++) {
      acc = Survivorship.combine(acc, list.get(i), strategy);
    }
    return acc;
  }

  private static Attribute foldRight(List<Attribute> list, AttributeMerge strategy) {
    List<Attribute> reversed = new ArrayList<>(list);
    Attribute acc = reversed.get(reversed.size() - 1);
    for (int i = reversed.size() - 2; i >= 0; i--) {
      acc = Survivorship.combine(reversed.get(i), acc, strategy);
    }
    return acc;
  }
}
