package dev.clientele;

import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.spi.MergeRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Batched {@link Clientele#ingestAll} against event-by-event {@link Clientele#ingest} on
 * histories with what the first property leaves out: blocked and malformed identifiers, events
 * whose every identifier is blocked (rejected), {@code gdpr_delete} in the middle of a batch and
 * replays of erased people, list subscriptions and compliance flags. Results, counts and the
 * whole observable state (identifier states with consent and deliverability, attributes, lists,
 * timelines, merge log, tombstones) must be the same.
 */
class BatchIngestEquivalenceTest {
  private static final byte[] SALT = new byte[16];

  private static Clientele.Builder builder() {
    return Clientele.builder().profileIds(Fixtures.sequentialIds()).erasurePolicy(ErasurePolicy.builder().salt(SALT).build());
  }

  static Map<String, Object> state(Clientele c) {
    Map<String, Object> out = new TreeMap<>();
    for (Profile p : Fixtures.profiles(c)) {
      out.put("profile " + p.id(), p.toBuilder().version(1).build());
      out.put("identifiers " + p.id(), p.identifiers().stream().map(IdentifierState::toString).toList());
      out.put("timeline " + p.id(), Fixtures.timelineIds(c, p.id()));
      out.put("merges " + p.id(), c.mergeLog(p.id()).stream().map(r -> r.kind() + " " + r.profile() + " " + r.eventId()
          + " " + r.sides().stream().map(MergeRecord.Side::id).toList() + " " + r.links()).toList());
    }
    out.put("events", c.storage().eventCount());
    out.put("tombstones", c.storage().tombstoneCount());
    return out;
  }

  @Property(tries = 120)
  void batches_sameAsOneByOne_withJunkErasuresAndRejections(
      @ForAll("histories") List<Event> events, @ForAll @IntRange(min = 2, max = 7) int batch) {
    try (Clientele one = builder().build();
        Clientele batched = builder().storage(new BatchIngestTest.CountingStorage()).ingestBatchSize(batch).build()) {
      List<IngestResult> singly = new ArrayList<>();
      events.forEach(e -> singly.add(one.ingest(e)));

      List<IngestResult> each = new ArrayList<>();
      IngestStats stats = batched.ingestAll(events, each::add);

      assertThat(each).isEqualTo(singly);
      assertThat(state(batched)).isEqualTo(state(one));
      assertThat(stats).isEqualTo(one.stats());
    }
  }

  static final String[] TYPES = {"pageview", "identify", "consent", "reachability", "list", "compliance", "erase"};

  /**
   * One generated event (shared with {@link IngestAllReadAheadTest}): the identifiers of person
   * {@code p} that {@code mask} picks (customer id, email variant, a blocked or malformed email, a
   * blocked or real device, a phone), of type {@code TYPES[type]} at {@code minute}.
   */
  static Event event(String eventId, int p, int mask, int type, int minute) {
    Event.Builder b = Fixtures.event(eventId, TYPES[type], minute);
    if ((mask & 1) != 0) {
      b.identifier(customerId("c-" + p));
    }
    if ((mask & 2) != 0) {
      b.identifier(email("Person" + p + "@Example.com"));
    }
    if ((mask & 4) != 0) {
      b.identifier(email(p % 2 == 0 ? "test@test.com" : "person" + p + "-at-example")); // blocked or malformed
    }
    if ((mask & 8) != 0) {
      b.identifier(Fixtures.anonymousId(p % 2 == 0 ? "null" : "a-" + p)); // blocked or a device
    }
    if ((mask & 16) != 0 || (mask & 11) == 0) {
      b.identifier(Fixtures.phone(p == 3 ? "000-000" : String.format(Locale.ROOT, "+1650253%04d", p)));
    }
    switch (TYPES[type]) {
      case "identify" -> b.data("first_name", "N" + (minute % 5)).data("city", minute % 3 == 0 ? "" : "C" + minute % 4);
      case "consent" -> b.action(minute % 3 == 0 ? "opt_in" : minute % 3 == 1 ? "opt_out" : "reset");
      case "reachability" -> b.action(minute % 2 == 0 ? "hard_bounce" : "deliverable");
      case "list" -> b.action(minute % 2 == 0 ? "subscribe" : "unsubscribe").data("list", "news");
      case "compliance" -> b.action(minute % 2 == 0 ? "ccpa_opt_out" : "ccpa_opt_in");
      case "erase" -> {
        Event e = b.build();
        Event.Builder g = Event.builder(e.id(), "compliance", e.timestamp()).action("gdpr_delete");
        e.identifiers().forEach(g::identifier);
        return g.build();
      }
      default -> { }
    }
    return b.build();
  }

  @Provide
  Arbitrary<List<Event>> histories() {
    Arbitrary<Event> event = Combinators.combine(
            Arbitraries.integers().between(0, 30), // event id: repeats are duplicates
            Arbitraries.integers().between(0, 3), // person
            Arbitraries.integers().between(0, 31), // identifier mask
            Arbitraries.integers().between(0, TYPES.length - 1),
            Arbitraries.integers().between(0, 300)) // minutes
        .as((id, p, mask, type, minute) -> event(String.format(Locale.ROOT, "e-%02d", id), p, mask, type, minute));
    return event.list().ofMinSize(1).ofMaxSize(30);
  }
}
