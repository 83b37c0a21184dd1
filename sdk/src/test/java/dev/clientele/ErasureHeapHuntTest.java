package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What an erasure leaves in this process's memory (the right to be forgotten covers "caches",
 * DESIGN.md): a person's identifiers and data are ingested in several spellings, merged, split,
 * segmented (timeline cache, listeners), recorded with problems; the person is erased through the
 * public API; then a heap dump of the live objects is searched for the person's values. None may
 * be found. A person not erased is found (the search works).
 *
 * <p>The values are made at run time from a seed ({@link Marks#of}) inside helper methods whose
 * references end when they return, so no constant or local of the test holds them; they are
 * made again from the seed only after the dump.
 */
class ErasureHeapHuntTest {
  private static final Instant NOW = Instant.parse("2026-10-20T12:00:00Z");
  private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");

  /**
   * One person's values, all from {@code seed}: distinct random letter tokens per field (so a find
   * names the field), and a German mobile number's eight random digits.
   */
  record Marks(String email, String badEmail, String customerId, String anonymousId, String name, String nickname,
      String orderId, String device, String pushToken, String loyalty, String tag, String digits) {
    static Marks of(long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      return new Marks(letters(r), letters(r), letters(r), letters(r), letters(r), letters(r), letters(r), letters(r),
          letters(r), letters(r), letters(r), String.format(Locale.ROOT, "%08d", r.nextInt(100_000_000)));
    }

    private static String letters(SplittableRandom r) {
      char[] c = new char[14];
      for (int i = 0; i < c.length; i++) {
        c[i] = (char) ('a' + r.nextInt(26));
      }
      return new String(c);
    }

    /** The texts to look for: every token in both cases, and the phone's digits in the spellings used. */
    List<String> needles() {
      List<String> out = new ArrayList<>();
      for (String t : List.of(email, badEmail, customerId, anonymousId, name, nickname, orderId, device, pushToken, loyalty, tag)) {
        out.add(t);
        out.add(t.toUpperCase(Locale.ROOT));
      }
      out.add("151" + digits);
      out.add(digits.substring(0, 4) + " " + digits.substring(4));
      return out;
    }
  }

  /** Counts transitions only: a listener that kept them would hold the profiles itself. */
  private static final AtomicLong HEARD = new AtomicLong();

  private static Clientele instance() {
    return instance(1);
  }

  /** An instance whose {@code ingestAll} commits batches of {@code batch} events. */
  private static Clientele instance(int batch) {
    SegmentConfig.Builder seg = SegmentConfig.builder()
        .define(Segment.of("three-pageviews", Condition.eventCount("pageview", Comparison.GE, 3)))
        .define(Segment.of("buyer", Condition.eventSum("order", "total", Comparison.GE, BigDecimal.TEN).within(Duration.ofDays(60))))
        .define(Segment.of("named", Condition.attributeKnown("first_name")));
    for (String s : List.of("three-pageviews", "buyer", "named")) {
      seg.listen(s, t -> HEARD.incrementAndGet());
    }
    return Clientele.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).ingestBatchSize(batch).segments(seg.build()).build();
  }

  private static Instant at(int minutes) {
    return T0.plusSeconds(60L * minutes);
  }

  /**
   * Ingests person {@code seed}'s history, in variant spellings, through {@code ingest} and
   * {@code ingestAll}; returns the profile id.
   */
  private static ProfileId ingestPerson(Clientele c, long seed, String prefix) {
    Marks m = Marks.of(seed);
    String email = "hl." + m.email + "@example.org";
    String d = m.digits;
    applied(c, m, Event.builder(prefix + "-1", "pageview", at(1)).identifier(IdentifierType.ANONYMOUS_ID, "anon-" + m.anonymousId).build());
    applied(c, m, Event.builder(prefix + "-2", "identify", at(2))
        .identifier(IdentifierType.EMAIL, "  HL." + m.email.toUpperCase(Locale.ROOT) + "@Example.ORG ")
        .identifier(IdentifierType.CUSTOMER_ID, " cid-" + m.customerId + " ")
        .data("first_name", "Hl" + m.name).data("nickname", "nick-" + m.nickname).build());
    c.ingestAll(List.of(
        Event.builder(prefix + "-3", "pageview", at(3)).identifier(IdentifierType.ANONYMOUS_ID, "anon-" + m.anonymousId)
            .identifier(IdentifierType.EMAIL, email).build(),
        Event.builder(prefix + "-4", "order", at(4)).identifier(IdentifierType.CUSTOMER_ID, "cid-" + m.customerId)
            .identifier(IdentifierType.PHONE, "+49 151 " + d.substring(0, 4) + " " + d.substring(4))
            .data("order_id", "ord-" + m.orderId).data("total", 42).data("device", "dev-" + m.device).build(),
        Event.builder(prefix + "-5", "login", at(5)).action("login").identifier(IdentifierType.PHONE, "0049151" + d)
            .identifier(IdentifierType.EMAIL, email.toUpperCase(Locale.ROOT)).build()), r -> masked(r, m));
    IngestResult malformed = applied(c, m, Event.builder(prefix + "-6", "identify", at(6)).identifier(IdentifierType.EMAIL, email)
        .identifier(IdentifierType.EMAIL, "hl." + m.badEmail + "@@example..org").build());
    assertThat(malformed.problems()).as("the malformed second email is recorded").isNotEmpty();
    applied(c, m, Event.builder(prefix + "-7", "consent", at(7)).action("opt_in").identifier(IdentifierType.EMAIL, email).build());
    applied(c, m, Event.builder(prefix + "-8", "list", at(8)).action("subscribe").identifier(IdentifierType.EMAIL, email)
        .data("list", "news").build());
    for (int i = 9; i < 12; i++) {
      applied(c, m, Event.builder(prefix + "-" + i, "pageview", at(i)).identifier(IdentifierType.PHONE, "+49-151-" + d).build());
    }
    // A push token and a host-defined identifier type (from event data).
    applied(c, m, Event.builder(prefix + "-12", "app_open", at(12)).identifier(IdentifierType.PUSH_TOKEN, "pt-" + m.pushToken)
        .identifier(IdentifierType.of("loyalty_card"), " L-" + m.loyalty).identifier(IdentifierType.CUSTOMER_ID, "cid-" + m.customerId)
        .build());
    return c.profile(dev.clientele.core.Identifier.of(IdentifierType.EMAIL, email)).orElseThrow().id();
  }

  /** Ingests {@code e}, which must apply, with a result that names none of {@code m}'s values. */
  private static IngestResult applied(Clientele c, Marks m, Event e) {
    IngestResult r = c.ingest(e);
    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    return masked(r, m);
  }

  /** {@code r}, after checking that its text (problem lines included) names none of {@code m}'s values. */
  private static IngestResult masked(IngestResult r, Marks m) {
    assertThat(r.toString() + r.problems()).doesNotContain(m.needles());
    return r;
  }

  /**
   * Tags person {@code seed}'s profile. (Not before a forced merge that is split again: a split
   * leaves tags with the profile that kept its id, so the tag would be the other person's then.)
   */
  private static void tag(Clientele c, ProfileId id, long seed) {
    c.tag(id, "tag-" + Marks.of(seed).tag);
  }

  /** The needles of person {@code seed} found in a dump of the live heap (made after the dump). */
  private static Map<String, List<String>> found(HeapDump dump, long seed) {
    return dump.find(Marks.of(seed).needles());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 16})
  void delete_leavesNoValueOfThePersonInTheHeap(int batch) throws Exception {
    long seed = new SplittableRandom().nextLong();
    long control = seed + 1;
    long viaEvent = seed + 2;
    try (Clientele c = instance(batch)) {
      ProfileId q = ingestPerson(c, control, "q");
      ProfileId p = ingestPerson(c, seed, "p");
      ingestPerson(c, viaEvent, "r");
      // An event naming the person's email and the control's customer id: two unique values, so
      // the link is refused (recorded and counted); the event is stored on one side.
      crossLink(c, seed, control, "x-1");
      crossLink(c, control, seed, "x-2");
      // A forced merge and its split: records naming both people, which the erasure must redact.
      c.merge(p, q, "operator test");
      MergeRecord forced = c.mergeLog(q).stream().filter(r -> r.kind() == MergeRecord.Kind.FORCED_MERGE).findFirst()
          .orElseThrow();
      c.split(forced.id(), "undo");
      forced = null;
      tag(c, p, seed);
      readEverything(c, p);
      dev.clientele.consent.ErasureReport report = c.delete(p);
      assertThat(report.toString()).doesNotContain(Marks.of(seed).needles());
      report = null;
      eraseByEvent(c, viaEvent);
      assertThat(c.explain(q).toString() + c.mergeLog(q) + c.stats()).doesNotContain(Marks.of(seed).needles());
      assertThat(c.explain(q).toString() + c.mergeLog(q)).as("masked").doesNotContain(Marks.of(control).needles());
      assertThat(c.segments().awaitTriggers(Duration.ofSeconds(5))).isTrue();

      HeapDump dump = HeapDump.ofLiveObjects();
      assertThat(found(dump, control)).as("the person not erased (proves the search)").isNotEmpty();
      assertThat(found(dump, seed)).as("values of the person erased by delete").isEmpty();
      assertThat(found(dump, viaEvent)).as("values of the person erased by a gdpr_delete event").isEmpty();
      assertThat(c.profile(q)).isPresent();
    }
  }

  /**
   * A replay of the erased person's events (single and bulk) is refused under the default {@code
   * BLOCK} policy; refusing it must not leave the values it brought: not in the normalisation
   * cache (normalising the replay cached them), not in the ingesting thread (the store's read
   * found no owner, and no commit followed to clear the read).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 16})
  void replayAfterDelete_leavesNoValueOfThePersonInTheHeap(int batch) throws Exception {
    long seed = new SplittableRandom().nextLong();
    long control = seed + 1;
    try (Clientele c = instance(batch)) {
      ingestPerson(c, control, "q");
      ProfileId p = ingestPerson(c, seed, "p");
      tag(c, p, seed);
      lookUp(c, seed);
      c.delete(p);
      replay(c, seed);
      lookUpAfterErasure(c, seed);
      assertThat(c.stats().toString()).doesNotContain(Marks.of(seed).needles());
      assertThat(c.segments().awaitTriggers(Duration.ofSeconds(5))).isTrue();

      HeapDump dump = HeapDump.ofLiveObjects();
      assertThat(found(dump, control)).as("the person not erased (proves the search)").isNotEmpty();
      assertThat(found(dump, seed)).as("values of the erased person, after a blocked replay").isEmpty();
    }
  }

  /**
   * A pool thread that ingested the person's events and looked the person up (a support screen)
   * and then idles while another thread erases the person: the idle thread must not keep the
   * person's values.
   */
  @Test
  void lookupOnAnIdleThread_thenDelete_leavesNoValueOfThePersonInTheHeap() throws Exception {
    long seed = new SplittableRandom().nextLong();
    long control = seed + 1;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try (Clientele c = instance()) {
      ingestPerson(c, control, "q");
      ProfileId p = pool.submit(() -> ingestPerson(c, seed, "p")).get(); // ingested by the pool thread too
      pool.submit(() -> lookUp(c, seed)).get();
      pool.submit(() -> c.profile(p).orElseThrow().id()).get();
      c.delete(p);
      // Triggers still queued hold the person's profile changes until delivered (the other cases
      // wait too): on a loaded machine the delivery thread was still behind at the dump.
      assertThat(c.segments().awaitTriggers(Duration.ofSeconds(5))).isTrue();

      HeapDump dump = HeapDump.ofLiveObjects();
      assertThat(found(dump, control)).as("the person not erased (proves the search)").isNotEmpty();
      assertThat(found(dump, seed)).as("values of the erased person, after a lookup on an idle thread").isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Looks person {@code seed} up by phone and email after the erasure (no profile), and sends a
   * second {@code gdpr_delete} for the person (refused: nobody holds its identifiers).
   */
  private static void lookUpAfterErasure(Clientele c, long seed) {
    Marks m = Marks.of(seed);
    assertThat(c.profile(dev.clientele.core.Identifier.of(IdentifierType.PHONE, "+49 (151) " + m.digits))).isEmpty();
    assertThat(c.profile(dev.clientele.core.Identifier.of(IdentifierType.EMAIL, " HL." + m.email + "@example.org"))).isEmpty();
    IngestResult again = c.ingest(Event.builder("gdpr-again", "compliance", at(60)).action("gdpr_delete")
        .identifier(IdentifierType.PHONE, "0049 151 " + m.digits).identifier(IdentifierType.EMAIL, "hl." + m.badEmail + "@@example..org")
        .build());
    assertThat(again.outcome()).isEqualTo(IngestResult.Outcome.REJECTED);
  }

  /** Looks person {@code seed} up by email, as a support screen would. */
  private static void lookUp(Clientele c, long seed) {
    Marks m = Marks.of(seed);
    c.profile(dev.clientele.core.Identifier.of(IdentifierType.EMAIL, "HL." + m.email + "@example.org")).orElseThrow();
  }

  /**
   * Ingests person {@code seed}'s values again after the erasure, one by one and in bulk (a
   * replay, refused by the tombstones); the results name no value.
   */
  private static void replay(Clientele c, long seed) {
    Marks m = Marks.of(seed);
    String spaced = "+49 151 " + m.digits.substring(0, 4) + " " + m.digits.substring(4);
    IngestResult r = c.ingest(Event.builder("replay-1", "login", at(50)).action("login")
        .identifier(IdentifierType.EMAIL, " HL." + m.email + "@example.org").build());
    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.REJECTED);
    assertThat(r.toString()).doesNotContain(m.needles());
    IngestResult r2 = c.ingest(Event.builder("replay-2", "order", at(51))
        .identifier(IdentifierType.PHONE, spaced).data("total", 5).build());
    assertThat(r2.outcome()).isEqualTo(IngestResult.Outcome.REJECTED);
    List<IngestResult> bulk = new ArrayList<>();
    c.ingestAll(List.of(
        Event.builder("replay-3", "pageview", at(52)).identifier(IdentifierType.PHONE, "0049151" + m.digits).build(),
        Event.builder("replay-4", "pageview", at(53)).identifier(IdentifierType.CUSTOMER_ID, " cid-" + m.customerId).build(),
        Event.builder("replay-5", "identify", at(54)).identifier(IdentifierType.EMAIL, "hl." + m.badEmail + "@@example..org")
            .data("first_name", "Hl" + m.name).build()), bulk::add);
    assertThat(bulk).extracting(IngestResult::outcome).containsOnly(IngestResult.Outcome.REJECTED);
    assertThat(bulk.toString()).doesNotContain(m.needles());
  }

  /** The reads a host makes of a profile and of the whole store (analytics, exports) before the erasure. */
  private static void readEverything(Clientele c, ProfileId p) {
    java.time.LocalDate day = java.time.LocalDate.parse("2026-10-20");
    c.mau(day);
    c.activityStatus(day);
    c.audience();
    c.profilesOverTime(day.minusDays(30), day);
    c.metricSnapshot(p, day);
    c.explain(p);
    c.consentHistory(p);
    c.exportPersonalData(p, java.io.OutputStream.nullOutputStream());
    c.exportProfiles(dev.clientele.export.ExportRequest.builder().build(), java.io.OutputStream.nullOutputStream());
    c.segments().history(p);
  }

  /** Ingests an event with person {@code a}'s email and person {@code b}'s customer id. */
  private static void crossLink(Clientele c, long a, long b, String id) {
    IngestResult r = c.ingest(Event.builder(id, "pageview", at(20)).identifier(IdentifierType.EMAIL, "hl." + Marks.of(a).email + "@example.org")
        .identifier(IdentifierType.CUSTOMER_ID, "cid-" + Marks.of(b).customerId).build());
    assertThat(r.problems()).anyMatch(line -> line.startsWith("link refused (unique_conflict)"));
  }

  /** Erases person {@code seed} with a {@code gdpr_delete} event naming its customer id. */
  private static void eraseByEvent(Clientele c, long seed) {
    Marks m = Marks.of(seed);
    IngestResult r = c.ingest(Event.builder("gdpr-" + seed, "compliance", at(30)).action("gdpr_delete")
        .identifier(IdentifierType.CUSTOMER_ID, "cid-" + m.customerId).build());
    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.ERASED);
    assertThat(r.toString()).doesNotContain(m.needles());
  }
}
