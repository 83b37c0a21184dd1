package dev.clientele;

import dev.clientele.testsupport.ArgumentSweep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.IdentifierType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Bad values inside event data are not exceptions: they are recorded (a problem line) and counted
 * ({@link IngestStats#problems()}), nothing is silently dropped, and a problem line never shows a
 * personal value raw. Every bad value here carries the marker {@value ArgumentSweep#MARK}.
 */
class EventDataProblemsHuntTest {
  private static final Instant T = Instant.parse("2026-10-03T14:05:00Z");
  private static final String MARK = ArgumentSweep.MARK;

  /** One bad value per case, on an event that also carries a good customer id (so it is applied). */
  private static List<Event> cases() {
    List<UnaryOperator<Event.Builder>> bad = List.of(
        b -> b.identifier(IdentifierType.EMAIL, "ann." + MARK + "@@example"),
        b -> b.identifier(IdentifierType.EMAIL, "ann." + MARK + "@example"),
        b -> b.identifier(IdentifierType.PHONE, "+44 " + MARK + " 7700"),
        b -> b.identifier(IdentifierType.PHONE, "0044770090" + "0123".repeat(10)),
        b -> b.data("first_name", "Ann " + MARK + "x".repeat(9000)),
        b -> b.data("birth_date", "19" + MARK),
        b -> b.data("timezone", "Europe/" + MARK),
        b -> b.data("image_url", "javascript:" + MARK),
        b -> b.data("total", "12" + MARK),
        b -> b.data("first_name", List.of("Ann", MARK)));
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < bad.size(); i++) {
      String type = i == 8 ? "order" : "identify";
      out.add(bad.get(i).apply(Event.builder("e-" + i, type, T).identifier(IdentifierType.CUSTOMER_ID, "c-" + i)).build());
    }
    return out;
  }

  @Test
  void badValuesInEventData_areRecordedCountedAndMasked() {
    List<String> report = new ArrayList<>();
    try (Clientele c = Clientele.inMemory()) {
      long before = c.stats().problems();
      int withProblems = 0;
      for (Event e : cases()) {
        IngestResult r = c.ingest(e);
        report.add(e.id() + " " + r.outcome() + " " + r.problems());
        assertThat(r.outcome()).as(e.id()).isEqualTo(IngestResult.Outcome.APPLIED);
        if (!r.problems().isEmpty()) {
          withProblems++;
        }
        for (String line : r.problems()) {
          assertThat(line.toLowerCase(Locale.ROOT)).as("problem line of " + e.id()).doesNotContain(MARK);
          assertThat(line.length()).as("problem line of " + e.id()).isLessThan(400);
        }
      }
      System.out.println(String.join("\n", report));
      assertThat(c.stats().problems() - before).as("problems counted").isGreaterThanOrEqualTo(withProblems);
    }
  }
}
