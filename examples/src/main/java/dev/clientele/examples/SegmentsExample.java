package dev.clientele.examples;

import dev.clientele.Clientele;
import dev.clientele.core.Channel;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierType;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import dev.clientele.segments.SegmentJson;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Segments and triggers: "bought twice, not in 60 days, reachable by email", a listener that
 * hears people enter it, and the segment's JSON form.
 */
public final class SegmentsExample {
  private SegmentsExample() {}

  /**
   * Defines the segment, ingests two customers' orders, and prints who entered and when.
   *
   * @param args ignored
   * @throws InterruptedException if interrupted while waiting for the listener
   */
  public static void main(String[] args) throws InterruptedException {
    Instant now = Instant.parse("2026-11-20T12:00:00Z");
    Segment lapsed = Segment.of("lapsed-repeat-buyers", Condition.all(
        Condition.eventCount("order", Comparison.GE, 2),
        Condition.not(Condition.eventCount("order", Comparison.GE, 1).within(Duration.ofDays(60))),
        Condition.reachable(Channel.EMAIL)));
    SegmentConfig config = SegmentConfig.builder()
        .define(lapsed)
        .onEnter("lapsed-repeat-buyers", t -> System.out.println("entered: " + t.profileId() + " at " + t.at()))
        .build();
    try (Clientele clientele = Clientele.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).segments(config).build()) {
      int n = 0;
      for (String email : new String[] {"ann@example.com", "bob@example.com"}) {
        for (int daysAgo : email.startsWith("ann") ? new int[] {200, 90} : new int[] {200, 10}) {
          clientele.ingest(Event.builder("e-" + n++, "order", now.minus(Duration.ofDays(daysAgo))).action("purchase")
              .identifier(IdentifierType.EMAIL, email).data("total", new BigDecimal("25.00")).build());
        }
      }
      clientele.segments().awaitTriggers(Duration.ofSeconds(5));
      System.out.println(lapsed);
      System.out.println("members now: " + clientele.segments().count(lapsed, now));
      System.out.println(SegmentJson.write(lapsed));
    }
  }
}
