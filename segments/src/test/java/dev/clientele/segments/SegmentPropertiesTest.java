package dev.clientele.segments;

import static dev.clientele.segments.World.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Profile;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.constraints.Size;

/** Laws of the boolean algebra, checked on membership over generated profiles. */
class SegmentPropertiesTest {

  @Provide
  Arbitrary<Condition> conditions() {
    return Generators.condition();
  }

  @Provide
  Arbitrary<List<Generators.PersonSpec>> people() {
    return Generators.person().list().ofMinSize(1).ofMaxSize(6);
  }

  private static List<Profile> populate(World world, List<Generators.PersonSpec> people) {
    List<Profile> out = new ArrayList<>();
    for (int i = 0; i < people.size(); i++) {
      out.add(Generators.add(world, "p" + i, people.get(i)));
    }
    return out;
  }

  private static boolean in(Segments s, Condition c, Profile p) {
    return s.matches(Segment.of("s", c), p, NOW);
  }

  @Property(tries = 150)
  void notNot_isIdentity(@ForAll("conditions") Condition c, @ForAll("people") List<Generators.PersonSpec> people) {
    World world = new World();
    Segments s = world.segments(SegmentConfig.builder().figures(Generators.FIGURES).build());
    for (Profile p : populate(world, people)) {
      assertThat(in(s, Condition.not(Condition.not(c)), p)).isEqualTo(in(s, c, p));
      assertThat(in(s, Condition.not(c), p)).isEqualTo(!in(s, c, p));
    }
  }

  @Property(tries = 150)
  void andOr_distributeOverMembership(
      @ForAll("conditions") Condition a, @ForAll("conditions") Condition b, @ForAll("conditions") Condition c,
      @ForAll("people") @Size(min = 1, max = 6) List<Generators.PersonSpec> people) {
    World world = new World();
    Segments s = world.segments(SegmentConfig.builder().figures(Generators.FIGURES).build());
    for (Profile p : populate(world, people)) {
      boolean ia = in(s, a, p);
      boolean ib = in(s, b, p);
      boolean ic = in(s, c, p);
      assertThat(in(s, Condition.all(a, b), p)).isEqualTo(ia && ib);
      assertThat(in(s, Condition.any(a, b), p)).isEqualTo(ia || ib);
      assertThat(in(s, Condition.all(a, Condition.any(b, c)), p))
          .isEqualTo(in(s, Condition.any(Condition.all(a, b), Condition.all(a, c)), p));
      assertThat(in(s, Condition.any(a, Condition.all(b, c)), p))
          .isEqualTo(in(s, Condition.all(Condition.any(a, b), Condition.any(a, c)), p));
      assertThat(in(s, Condition.not(Condition.all(a, b)), p))
          .isEqualTo(in(s, Condition.any(Condition.not(a), Condition.not(b)), p));
    }
  }

  @Property(tries = 100)
  void count_and_members_agreeWithMatches(@ForAll("conditions") Condition c, @ForAll("people") List<Generators.PersonSpec> people) {
    World world = new World();
    Segments s = world.segments(SegmentConfig.builder().figures(Generators.FIGURES).build());
    List<Profile> all = populate(world, people);
    Segment seg = Segment.of("s", c);
    List<String> expected = all.stream().filter(p -> s.matches(seg, p, NOW)).map(p -> p.id().value()).sorted().toList();
    assertThat(s.count(seg, NOW)).isEqualTo(expected.size());
    try (var members = s.members(seg, NOW)) {
      assertThat(members.map(p -> p.id().value()).toList()).isEqualTo(expected);
    }
  }

  @Property(tries = 250)
  void json_roundTrips(@ForAll("segments") Segment s) {
    String json = SegmentJson.write(s);
    assertThat(SegmentJson.parse(json)).isEqualTo(s);
    assertThat(SegmentJson.parseCondition(SegmentJson.write(s.condition()))).isEqualTo(s.condition());
  }

  @Provide
  Arbitrary<Segment> segments() {
    return Generators.anySegment();
  }
}
