package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import dev.clientele.segments.Condition;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import dev.clientele.segments.SegmentQueries;
import dev.clientele.segments.SegmentTransition;
import dev.clientele.segments.Segments;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@link Clientele#segments()} gives a host the queries of the instance's segments and nothing
 * that could break the instance: no {@code close}, none of the ingestion hooks, and nothing to
 * cast back to the {@link Segments} that has them.
 */
class SegmentsFacadeTest {
  private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  private static final Segment GOLD = Segment.of("gold", Condition.attribute("tier", Condition.AttributeOp.EQ, "gold"));

  @Test
  void segments_isAViewWithoutCloseOrHooks() {
    try (Clientele c = Clientele.builder().segments(SegmentConfig.builder().define(GOLD).build()).build()) {
      SegmentQueries segments = c.segments();

      assertThat(segments).isNotInstanceOf(AutoCloseable.class).isNotInstanceOf(Segments.class);
      List<String> methods = Arrays.stream(segments.getClass().getMethods())
          .filter(m -> Modifier.isPublic(m.getModifiers()))
          .map(Method::getName)
          .toList();
      assertThat(methods).doesNotContain(
          "close", "onCommitted", "onReshaped", "onErased", "awaitTriggerSpace", "isTriggerThread", "membershipStore");
      assertThat(Modifier.isPublic(segments.getClass().getModifiers())).as("the view's class is not API").isFalse();
      assertThat(c.segments()).isSameAs(segments);
    }
  }

  @Test
  void segments_answersForTheInstance_andTheInstanceStillDeliversTriggers() throws Exception {
    List<SegmentTransition> heard = new CopyOnWriteArrayList<>();
    SegmentConfig config = SegmentConfig.builder().define(GOLD).onEnter("gold", heard::add).build();
    try (Clientele c = Clientele.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).segments(config).build()) {
      ProfileId ann = c.ingest(Event.builder("e-1", "identify", NOW.minusSeconds(60))
          .identifier(Identifier.of(IdentifierType.EMAIL, "ann@example.com")).data("tier", "gold").build())
          .profile().orElseThrow();
      SegmentQueries segments = c.segments();

      assertThat(segments.awaitTriggers(Duration.ofSeconds(10))).isTrue();
      assertThat(heard).extracting(SegmentTransition::segment).containsExactly("gold");
      assertThat(segments.config().segments()).containsExactly(GOLD);
      assertThat(segments.memberships(ann)).containsExactly("gold");
      assertThat(segments.history(ann)).hasSize(1);
      assertThat(segments.addedOn(ann, "gold")).contains(NOW);
      assertThat(segments.count(GOLD, NOW)).isEqualTo(1);
      assertThat(segments.matches(GOLD, c.profile(ann).orElseThrow(), NOW)).isTrue();
      assertThat(segments.refresh(NOW).profiles()).isEqualTo(1);
      assertThat(segments.triggerStats().transitions()).isEqualTo(1);
      try (var members = segments.members(GOLD, NOW)) {
        assertThat(members.map(p -> p.id()).toList()).containsExactly(ann);
      }
    }
  }
}
