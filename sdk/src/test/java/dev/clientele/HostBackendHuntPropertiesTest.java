package dev.clientele;

import static dev.clientele.People.customerId;
import static dev.clientele.People.device;
import static dev.clientele.People.email;
import static dev.clientele.People.phone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.Event;
import dev.clientele.core.FieldView;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.ProfileSearch;
import dev.clientele.core.TimelineQuery;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import dev.clientele.identity.Explanation;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Hunting properties for a host's own storage backend (DESIGN: "the host decides where data lives";
 * the {@link Storage} SPI and its default methods).
 *
 * <p>A random session of facade calls (ingest, ingestAll in batches, consent, reachability, list
 * and CCPA events, forced merge, split, delete, {@code gdpr_delete}, tags, and reads: explain,
 * consent history, merge log, timeline, reachability, engagement, metrics, affinities, the
 * portability bundle, audience, profiles over time, activity status, MAU, fields, search, segment
 * refresh, RFM from the stored orders, a CSV export) runs on the in-memory store and on {@link MinimalHostStorage}, a backend that implements only
 * the abstract methods of the SPI and keeps every default; both with the same batch size, so the
 * batch overlay ({@link StagedStorage}) is on the path of both or of neither. Every call must end
 * the same way and leave the same state (profiles, owners, stored events, merge log, tombstones,
 * segment memberships). Merge-record ids are random, so they are compared by their position in the
 * log; profile ids are drawn in sequence and compared as they are.
 *
 * <p>A third run uses the minimal backend without merge-record redactions (the default
 * {@code redactsMergeRecordsInPlace()} of {@code false}): it must behave the same until an erasure
 * that has to redact, which must throw {@link UnsupportedOperationException}; a refused
 * {@code delete} erases nothing.
 *
 * <p>On the minimal backend the documented costs are checked too: writes other than erasure scan
 * neither the event store, nor the merge log, nor profile pages; an erasure reads the merge log at
 * most once; every {@code allEvents} stream is closed.
 */
class HostBackendHuntPropertiesTest {
  private static final ErasurePolicy ERASURE = ErasurePolicy.builder().salt(new byte[16]).build();
  private static final Clock CLOCK = Clock.fixed(Fixtures.at(10_000), ZoneOffset.UTC);
  private static final LocalDate DAY = LocalDate.ofInstant(Fixtures.at(0), ZoneOffset.UTC);
  private static final int PEOPLE = 3;
  private static final Identifier SHARED_DEVICE = Identifier.of(IdentifierType.ANONYMOUS_ID, "a-shared");

  // ---------------------------------------------------------------------------------------------
  // Sessions

  /** One generated event: whose, which identifiers (mask: email, phone, customer id, device), what. */
  record Step(int person, int mask, String type, int value, boolean shared) {}

  /** A facade call. Targets are chosen by index among the live profiles in id order. */
  sealed interface Op permits Ingest, IngestAll, Merge, Split, Delete, Gdpr, Tag, Read, Report {}

  record Ingest(Step step) implements Op {}

  record IngestAll(List<Step> steps) implements Op {}

  record Merge(int a, int b) implements Op {}

  record Split(int record) implements Op {}

  record Delete(int profile) implements Op {}

  record Gdpr(int person) implements Op {}

  record Tag(int profile, String tag, boolean add) implements Op {}

  /** The per-profile reads of one profile. */
  record Read(int profile) implements Op {}

  /** The whole-store reports. */
  record Report() implements Op {}

  @Provide
  Arbitrary<Step> steps() {
    return Combinators.combine(
            Arbitraries.integers().between(0, PEOPLE - 1),
            Arbitraries.integers().between(1, 15),
            Arbitraries.of("pageview", "identify", "order", "login", "opt_in", "opt_out", "reset", "hard_bounce",
                "subscribe", "unsubscribe", "ccpa_opt_out"),
            Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(0, 4).map(n -> n == 0))
        .as(Step::new);
  }

  @Provide
  Arbitrary<List<Op>> sessions() {
    Arbitrary<Integer> index = Arbitraries.integers().between(0, 5);
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        Tuple.of(6, steps().map(s -> (Op) new Ingest(s))),
        Tuple.of(3, steps().list().ofMinSize(2).ofMaxSize(6).map(l -> (Op) new IngestAll(l))),
        Tuple.of(3, Combinators.combine(index, index).as((a, b) -> (Op) new Merge(a, b))),
        Tuple.of(3, index.map(i -> (Op) new Split(i))),
        Tuple.of(2, index.map(i -> (Op) new Delete(i))),
        Tuple.of(2, Arbitraries.integers().between(0, PEOPLE - 1).map(p -> (Op) new Gdpr(p))),
        Tuple.of(1, Combinators.combine(index, Arbitraries.of("vip", "favourite"), Arbitraries.of(true, false))
            .as((i, t, add) -> (Op) new Tag(i, t, add))),
        Tuple.of(2, index.map(i -> (Op) new Read(i))),
        Tuple.of(1, Arbitraries.just((Op) new Report())));
    return op.list().ofMinSize(4).ofMaxSize(20);
  }

  /** Every identifier a session can name. */
  private static List<Identifier> universe() {
    List<Identifier> all = new ArrayList<>();
    for (int p = 0; p < PEOPLE; p++) {
      all.addAll(List.of(email(p), phone(p), customerId(p), device(p)));
    }
    all.add(SHARED_DEVICE);
    return all;
  }

  /** The event of {@code step}, with an id that is the same in every run (repeats are duplicates). */
  private static Event event(String id, Step s, long minute) {
    String type = switch (s.type()) {
      case "opt_in", "opt_out", "reset" -> "consent";
      case "hard_bounce" -> "reachability";
      case "subscribe", "unsubscribe" -> "list";
      case "ccpa_opt_out" -> "compliance";
      default -> s.type();
    };
    Event.Builder b = Fixtures.event(id, type, minute);
    if (!type.equals(s.type())) {
      b.action(s.type());
    }
    People.withIdentifiers(b, s.person(), s.mask());
    if (s.shared()) {
      b.identifier(SHARED_DEVICE);
    }
    switch (type) {
      case "identify" -> b.data("first_name", "N" + s.value()).data("city", "C" + (s.value() % 2));
      case "order" -> b.data("total", 1 + s.value()).data("order_id", "o-" + id);
      case "list" -> b.data("list", "news" + (s.value() % 2));
      case "consent" -> {
        if (s.value() % 2 == 0) {
          b.data("channel", "email");
        }
      }
      default -> { }
    }
    if (type.equals("pageview") && s.value() > 1) {
      b.data("device", "d" + s.value());
    }
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // Running a session

  private static Clientele clientele(Storage storage, int batchSize) {
    return Clientele.builder().storage(storage).profileIds(Fixtures.sequentialIds()).clock(CLOCK)
        .erasurePolicy(ERASURE).ingestBatchSize(batchSize)
        .segments(SegmentConfig.builder()
            .define(Segment.of("buyers", Condition.eventCount("order", Comparison.GE, 1)))
            .define(Segment.of("opted-out", Condition.consent(Channel.EMAIL, Consent.OPT_OUT)))
            .define(Segment.of("has-phone", Condition.hasIdentifier(IdentifierType.PHONE)))
            .build())
        .build();
  }

  /** How a call ended: its results rendered with merge-record ids by log position, or the exception class. */
  record Outcome(Optional<Class<?>> thrown, String detail) {}

  private static Outcome run(Clientele c, Op op, int i) {
    Storage s = c.storage();
    try {
      return new Outcome(Optional.empty(), canon(s, call(c, op, i)));
    } catch (RuntimeException e) {
      return new Outcome(Optional.of(e.getClass()), "");
    }
  }

  private static List<Profile> live(Storage s) {
    return s.profiles(Optional.empty(), Integer.MAX_VALUE);
  }

  private static String call(Clientele c, Op op, int i) {
    List<Profile> profiles = live(c.storage());
    if (op instanceof Ingest in) {
      return c.ingest(event("e-" + i, in.step(), i)).toString();
    } else if (op instanceof IngestAll all) {
      List<Event> events = new ArrayList<>();
      for (int k = 0; k < all.steps().size(); k++) {
        events.add(event("e-" + i + "-" + k, all.steps().get(k), i));
      }
      List<String> each = new ArrayList<>();
      IngestStats stats = c.ingestAll(events, r -> each.add(r.toString()));
      return stats + " " + each;
    } else if (op instanceof Merge m) {
      if (profiles.size() < 2) {
        return "skipped";
      }
      int a = m.a() % profiles.size();
      int b = (a + 1 + m.b() % (profiles.size() - 1)) % profiles.size();
      return "merged " + profileText(c.merge(profiles.get(a).id(), profiles.get(b).id(), "operator said so"));
    } else if (op instanceof Split sp) {
      List<MergeRecord> merges = new ArrayList<>();
      c.storage().forEachMergeRecord(r -> {
        if (r.kind() != MergeRecord.Kind.SPLIT) {
          merges.add(r);
        }
      });
      if (merges.isEmpty()) {
        return "skipped";
      }
      SplitResult r = c.split(merges.get(sp.record() % merges.size()).id(), "wrong merge");
      return "split " + profileText(r.kept()) + " " + r.restored().stream().map(HostBackendHuntPropertiesTest::profileText).toList()
          + " " + r.record();
    } else if (op instanceof Delete d) {
      if (profiles.isEmpty()) {
        return "skipped";
      }
      return c.delete(profiles.get(d.profile() % profiles.size()).id()).toString();
    } else if (op instanceof Gdpr g) {
      return c.ingest(Fixtures.event("gdpr-" + i, "compliance", i).action("gdpr_delete").identifier(email(g.person()))
          .identifier(phone(g.person())).identifier(customerId(g.person())).identifier(device(g.person())).build()).toString();
    } else if (op instanceof Tag t) {
      if (profiles.isEmpty()) {
        return "skipped";
      }
      ProfileId id = profiles.get(t.profile() % profiles.size()).id();
      return profileText(t.add() ? c.tag(id, t.tag()) : c.untag(id, t.tag()));
    } else if (op instanceof Read r) {
      if (profiles.isEmpty()) {
        return "skipped";
      }
      ProfileId id = profiles.get(r.profile() % profiles.size()).id();
      StringBuilder out = new StringBuilder();
      out.append("explain ").append(explanationText(c.explain(id)));
      out.append("\nconsent ").append(c.consentHistory(id));
      out.append("\nlog ").append(c.mergeLog(id).stream().map(HostBackendHuntPropertiesTest::recordText).toList());
      out.append("\ntimeline ").append(c.timeline(id, TimelineQuery.all()).stream().map(Event::id).toList());
      out.append("\nreach ").append(c.reachability(id));
      out.append("\nengagement ").append(c.engagement(id, DAY.plusDays(3)));
      out.append("\nsegments ").append(new TreeSet<>(c.segments().memberships(id)));
      out.append("\nmetrics ").append(c.metricSnapshot(id, DAY.plusDays(3)));
      out.append("\naffinities ").append(c.affinities(id, DAY.plusDays(3), 5, dev.clientele.analytics.AffinityRules.defaults()));
      java.io.ByteArrayOutputStream bundle = new java.io.ByteArrayOutputStream();
      c.exportPersonalData(id, bundle);
      out.append("\nbundle ").append(bundle.toString(java.nio.charset.StandardCharsets.UTF_8));
      for (IdentifierState st : c.profile(id).orElseThrow().identifiers()) {
        out.append("\nby ").append(st.identifier().type()).append(' ').append(c.profile(st.identifier()).map(Profile::id));
      }
      return out.toString();
    } else {
      StringBuilder out = new StringBuilder();
      out.append("audience ").append(c.audience());
      out.append("\nover time ").append(c.profilesOverTime(DAY, DAY.plusDays(8)));
      out.append("\nstatus ").append(c.activityStatus(DAY.plusDays(3)));
      out.append("\nmau ").append(c.mau(DAY.plusDays(3)));
      out.append("\nfields ").append(c.fields(FieldView.ALL)).append(c.fields(FieldView.COMMON)).append(c.fields(FieldView.KNOWN));
      out.append("\nsearch ").append(c.search(ProfileSearch.all()).items().stream().map(Profile::id).toList());
      out.append("\ncount ").append(c.profileCount());
      out.append("\nrefresh ").append(c.segments().refresh(CLOCK.instant()));
      out.append("\nstats ").append(c.stats());
      out.append("\nengagement ").append(new TreeMap<>(c.engagementCounts(DAY.plusDays(3))));
      out.append("\nmau trend ").append(c.mauTrend(DAY, DAY.plusDays(4)));
      out.append("\nrfm ").append(dev.clientele.analytics.RfmSummaries.fromTransactions(
              dev.clientele.analytics.RfmSummaries.ordersOf(c.storage()), DAY.plusDays(5), dev.clientele.analytics.PeriodUnit.DAY)
          .stream().map(Object::toString).sorted().toList());
      java.io.ByteArrayOutputStream csv = new java.io.ByteArrayOutputStream();
      out.append("\nexport ").append(c.exportProfiles(dev.clientele.export.ExportRequest.builder()
          .computed(c.activityStatusValues(DAY.plusDays(3))).build(), csv));
      out.append("\n").append(csv.toString(java.nio.charset.StandardCharsets.UTF_8));
      return out.toString();
    }
  }

  private static String profileText(Profile p) {
    return p.id() + " v" + p.version() + " " + p.identifiers() + " " + p.attributes() + " " + p.tags() + " " + p.mergedFrom()
        + " " + p.eventCount();
  }

  private static String explanationText(Explanation e) {
    return e.profile() + " " + e.links().stream()
        .map(l -> l.kind() + "@" + l.at() + " " + l.eventId() + " " + values(l.identifiers()) + " " + l.profiles() + " " + l.into()
            + " " + l.mergeRecord() + " " + l.rule())
        .toList();
  }

  private static String recordText(MergeRecord r) {
    return r.id() + " " + r.kind() + "@" + r.at() + " " + r.profile() + " "
        + r.sides().stream().map(s -> s.id() + " " + values(s.identifiers()) + " " + s.mergedFrom()).toList()
        + " " + r.eventId() + " " + values(r.links()) + " " + r.undoes() + " " + r.note();
  }

  /** Identifiers with their values (their {@code toString} masks them), sorted. */
  private static List<String> values(java.util.Collection<Identifier> ids) {
    return ids.stream().map(i -> i.type() + ":" + i.value()).sorted().toList();
  }

  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** {@code text} with every merge-record id replaced by its position in the log (or "r?" if not logged). */
  private static String canon(Storage s, String text) {
    Map<String, Integer> position = new HashMap<>();
    s.forEachMergeRecord(r -> position.put(r.id(), position.size()));
    Matcher m = UUID.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Integer at = position.get(m.group());
      m.appendReplacement(out, at == null ? "r?" : "r" + at);
    }
    m.appendTail(out);
    return out.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Snapshots

  /** Everything stored, read through the SPI, merge-record ids replaced by log positions. */
  record Snapshot(List<Profile> profiles, Map<String, ProfileId> owners, Set<String> events, List<String> log,
      long tombstones, Set<String> tombstoned, long eventCount, long profileCount, Map<ProfileId, Set<String>> memberships,
      Map<ProfileId, List<String>> timelines) {}

  static Snapshot snapshot(Clientele c) {
    Storage s = c.storage();
    List<MergeRecord> log = new ArrayList<>();
    s.forEachMergeRecord(log::add);
    List<Profile> profiles = live(s);
    Map<String, ProfileId> owners = new TreeMap<>();
    s.owners(universe()).forEach((i, o) -> owners.put(i.type() + ":" + i.value(), o));
    Set<String> events;
    try (Stream<StoredEvent> all = s.allEvents()) {
      events = all.map(e -> e.event().id() + "@" + e.anchor().type() + ":" + e.anchor().value() + " " + e.event().identifiers().size()
          + " " + e.event().data()).collect(Collectors.toCollection(TreeSet::new));
    }
    List<String> records = log.stream().map(r -> canon(s, recordText(r))).toList();
    Set<String> tombstoned = new TreeSet<>();
    for (Identifier i : universe()) {
      if (s.isTombstoned(ERASURE.tombstoneOf(i))) {
        tombstoned.add(i.type() + ":" + i.value());
      }
    }
    Map<ProfileId, Set<String>> memberships = new TreeMap<>();
    Map<ProfileId, List<String>> timelines = new TreeMap<>();
    Set<ProfileId> named = new TreeSet<>();
    profiles.forEach(p -> named.add(p.id()));
    log.forEach(r -> {
      named.add(r.profile());
      r.sides().forEach(side -> named.add(side.id()));
    });
    for (ProfileId id : named) {
      Set<String> current = new TreeSet<>(c.segments().memberships(id));
      if (!current.isEmpty()) {
        memberships.put(id, current);
      }
    }
    for (Profile p : profiles) {
      timelines.put(p.id(), s.events(p.identifiers().stream().map(IdentifierState::identifier).toList()).stream()
          .map(e -> e.event().id()).toList());
    }
    return new Snapshot(profiles, owners, events, records, s.tombstoneCount(), tombstoned, s.eventCount(), s.profileCount(),
        memberships, timelines);
  }

  // ---------------------------------------------------------------------------------------------
  // Properties

  /**
   * The in-memory store and the minimal host backend (with redactions) give the same outcome for
   * every call and the same state after it; the minimal backend without redactions too, until an
   * erasure that must redact, which it refuses with {@link UnsupportedOperationException},
   * erasing nothing.
   */
  @Property(tries = 120)
  void randomSession_sameOutcomesAndStates_onInMemoryAndMinimalHostBackends(
      @ForAll("sessions") List<Op> session, @ForAll("batchSizes") int batchSize) {
    try (Clientele reference = clientele(new InMemoryStorage(), batchSize);
        Clientele host = clientele(MinimalHostStorage.redacting(), batchSize);
        Clientele legacy = clientele(new MinimalHostStorage(), batchSize)) {
      StringBuilder log = new StringBuilder("batch size " + batchSize);
      boolean legacyLive = true;
      for (int i = 0; i < session.size(); i++) {
        Op op = session.get(i);
        log.append("\n").append(i).append(": ").append(op);
        Snapshot legacyBefore = legacyLive ? snapshot(legacy) : null;
        Outcome expected = run(reference, op, i);
        MinimalHostStorage hostStore = (MinimalHostStorage) host.storage();
        long[] scansBefore = {hostStore.scans("allEvents"), hostStore.scans("forEachMergeRecord"), hostStore.scans("profiles")};
        Outcome actual = run(host, op, i);
        long[] scansDone = {hostStore.scans("allEvents") - scansBefore[0], hostStore.scans("forEachMergeRecord") - scansBefore[1],
            hostStore.scans("profiles") - scansBefore[2]};
        // The test's own reads: one page of live profiles (call), the log for record positions
        // (canon, unless the call threw), and for a split the log to pick a merge from.
        long facadeLogScans = scansDone[1] - (actual.thrown().isEmpty() ? 1 : 0) - (op instanceof Split ? 1 : 0);
        net.jqwik.api.statistics.Statistics.label("facade scans").collect(op.getClass().getSimpleName(),
            "events " + scansDone[0] + ", log " + facadeLogScans + ", pages " + (scansDone[2] - 1));
        if (op instanceof Ingest || op instanceof IngestAll || op instanceof Tag || op instanceof Merge || op instanceof Split) {
          // Writes other than erasure read what they change, never the whole event store or log.
          assertThat(List.of(scansDone[0], facadeLogScans, scansDone[2] - 1)).as("scans by %s%s", op, log).containsOnly(0L);
        } else if (op instanceof Delete) {
          assertThat(facadeLogScans).as("an erasure reads the merge log once (Clientele.delete)%s", log).isLessThanOrEqualTo(1);
        }
        assertThat(hostStore.openStreams()).as("allEvents streams left open by %s%s", op, log).isZero();
        log.append(" -> ").append(expected.thrown().map(Class::getSimpleName).orElse("ok"));
        net.jqwik.api.statistics.Statistics.label("outcomes").collect(op.getClass().getSimpleName(),
            expected.thrown().map(Class::getSimpleName).orElse(expected.detail().startsWith("skipped") ? "skipped" : "ok"));
        assertThat(actual).as("outcome of %s on the minimal backend%s", op, log).isEqualTo(expected);
        assertThat(snapshot(host)).as("state after %s on the minimal backend%s", op, log).isEqualTo(snapshot(reference));
        if (legacyLive) {
          Outcome old = run(legacy, op, i);
          if (old.thrown().equals(Optional.of(UnsupportedOperationException.class))
              && !expected.thrown().equals(old.thrown())) {
            assertThat(op).as("only an erasure may be refused%s", log).isInstanceOfAny(Delete.class, Gdpr.class);
            if (op instanceof Delete) {
              assertThat(snapshot(legacy)).as("a refused erasure erases nothing%s", log).isEqualTo(legacyBefore);
            } // a gdpr_delete over several profiles keeps those erased before the refused one (documented)
            legacyLive = false; // the runs part here: the reference erased
            log.append(" (refused without redactions)");
          } else {
            assertThat(old).as("outcome of %s without redactions%s", op, log).isEqualTo(expected);
            assertThat(snapshot(legacy)).as("state after %s without redactions%s", op, log).isEqualTo(snapshot(reference));
          }
        }
      }
      net.jqwik.api.statistics.Statistics.label("refused without redactions").collect(!legacyLive);
    }
  }

  @Provide
  Arbitrary<Integer> batchSizes() {
    return Arbitraries.of(1, 3, Clientele.DEFAULT_BATCH_SIZE);
  }
}
