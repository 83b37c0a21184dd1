package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.TimelineQuery;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * No other person's data reaches a portability bundle, and its consent history is the ledger.
 * Random sessions of ingestion by three people (identify with attributes and a device, page
 * views, orders, consent, bounces, CCPA and list changes; one to three identifiers, often of
 * several people, so events merge profiles, refuse links and derive events {@code <id>#~<n>}),
 * splits (also of merges of three profiles at once, and of merges made after a split), forced
 * merges and erasures. Every identifier value and every data value is a string found nowhere
 * else. Then, for every live profile X, X's bundle (parsed with duplicate keys refused)
 * <ul>
 *   <li>holds no identifier value that {@link Clientele#profile(Identifier)} does not give as
 *       X's (another person's, or an erased one);
 *   <li>holds a data value of a host event only if that event itself is on X's timeline (the
 *       event's side owns its data: a split leaves it there and an erasure of that side erases
 *       it); so no value of an event on another timeline, carried over or derived from it,
 *       reaches X's events or attributes;
 *   <li>names no other live profile;
 *   <li>has the consent history {@link Clientele#consentHistory} gives.
 * </ul>
 */
class PortabilityPropertiesTest {
  private static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final int PEOPLE = 3;
  private static final int IDS_PER_PERSON = 6;

  /** Identifier {@code k} (0..5) of person {@code p}, in the form the store keeps (normalised already). */
  static Identifier id(int p, int k) {
    return switch (k) {
      case 0 -> Identifier.of(IdentifierType.EMAIL, "u" + p + "home@example.com");
      case 1 -> Identifier.of(IdentifierType.EMAIL, "u" + p + "work@example.com");
      case 2 -> Identifier.of(IdentifierType.PHONE, String.format(Locale.ROOT, "+16502531%02d1", p));
      case 3 -> Identifier.of(IdentifierType.PUSH_TOKEN, "tok_" + p + "_push");
      case 4 -> Identifier.of(IdentifierType.ANONYMOUS_ID, "anon_" + p + "_tablet");
      default -> Identifier.of(IdentifierType.CUSTOMER_ID, "cust_" + p + "_id");
    };
  }

  /**
   * One session step: kind 0-6 an event (identify, pageview, order, consent, reachability,
   * compliance, list) with identifiers {@code mask} picks, of one person or of several
   * ({@code people}); 7-8 a split; 9 a forced merge; 10 an erasure.
   */
  record Op(int kind, int variant, int people, int mask, int pick) {}

  @Provide
  Arbitrary<List<Op>> sessions() {
    Arbitrary<Integer> kind = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0, 2)),
        net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(3, 6)),
        net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(7, 8)),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(9)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(10)));
    return Combinators.combine(
            kind,
            Arbitraries.integers().between(0, 11),
            Arbitraries.integers().between(0, 7),
            Arbitraries.integers().between(0, 1 << 14),
            Arbitraries.integers().between(0, 99))
        .as(Op::new)
        .list().ofMinSize(4).ofMaxSize(28);
  }

  /**
   * The identifiers of an event: {@code people} 0-2 picks one to three identifiers of one person;
   * 3-4 one identifier (no customer id) of each of two people, which merges their profiles; 5 one
   * identifier of each of two people, customer ids too, so links are refused and consent events
   * derive events; 6-7 one identifier (no customer id) of each of the three, which merges three
   * profiles at once (a split of that merge is a three-way split).
   */
  static List<Identifier> identifiers(int people, int mask) {
    Random r = new Random(mask);
    if (people <= 2) {
      int p = r.nextInt(PEOPLE);
      List<Identifier> pool = new ArrayList<>();
      for (int k = 0; k < IDS_PER_PERSON; k++) {
        pool.add(id(p, k));
      }
      return SessionSteps.someOf(pool, mask);
    }
    int first = r.nextInt(PEOPLE);
    int n = people <= 5 ? 2 : 3;
    int kinds = people == 5 ? IDS_PER_PERSON : IDS_PER_PERSON - 1;
    List<Identifier> out = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      out.add(id((first + j) % PEOPLE, r.nextInt(kinds)));
    }
    return out;
  }

  /** The host event {@code e-<i>}, with data values of its own ({@code <key>_<i>_z}). */
  static Event event(int i, int time, Op op, List<Identifier> ids) {
    String[] types = {"identify", "pageview", "order", "consent", "reachability", "compliance", "list"};
    String type = types[op.kind()];
    int v = op.variant();
    String action = switch (type) {
      case "consent" -> List.of("opt_in", "opt_out", "reset").get(v % 3);
      case "reachability" -> List.of("hard_bounce", "deliverable", "complaint").get(v % 3);
      case "compliance" -> v % 2 == 0 ? "ccpa_opt_out" : "ccpa_opt_in";
      case "list" -> v % 2 == 0 ? "unsubscribe" : "subscribe";
      case "order" -> "completed";
      default -> "view";
    };
    Event.Builder b = Event.builder("e-" + i, type, ConsentHuntPropertiesTest.time(time)).action(action);
    ids.forEach(b::identifier);
    b.data("note", "note_" + i + "_z");
    if (v % 2 == 0) {
      b.data("device", "dev_" + i + "_z");
    }
    switch (type) {
      case "identify" -> b.data("first_name", "name_" + i + "_z").data("city", "city_" + i + "_z");
      case "order" -> b.data("total", new BigDecimal("12.50"));
      case "consent", "reachability" -> {
        if (v % 4 < 3) {
          b.data("channel", List.of("email", "sms", "push").get(v % 4));
        }
        if (type.equals("consent") && v >= 6) {
          b.data("method", "double_opt_in");
        }
      }
      case "list" -> b.data("list", "newsletter");
      default -> { }
    }
    return b.build();
  }

  @Property(tries = 1000)
  void bundle_holdsNothingOfAnotherPerson_andTheLedger(@ForAll("sessions") List<Op> ops, @ForAll long seed) throws IOException {
    // Distinct times in random order: events may arrive older than the merges and splits before them.
    List<Integer> times = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      times.add(i);
    }
    java.util.Collections.shuffle(times, new Random(seed));
    StringBuilder log = new StringBuilder();
    Map<String, List<String>> dataOf = new LinkedHashMap<>(); // host event id -> its data values
    try (Clientele c = Fixtures.clientele()) {
      for (int p = 0; p < PEOPLE; p++) { // each person has a profile, so that later events merge them
        c.ingest(Event.builder("start-" + p, "login", Fixtures.at(-10 + p)).identifier(id(p, 0)).build());
      }
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        List<Profile> live = SessionSteps.live(c);
        switch (op.kind()) {
          case 7, 8 -> {
            var split = SessionSteps.splitOne(c, live, op.pick(), log);
            if (split != null) {
              Statistics.label("split sides").collect(split.sides().size());
            }
          }
          case 9 -> SessionSteps.forceMergeTwo(c, live, op.pick(), op.mask(), log);
          case 10 -> {
            if (!live.isEmpty()) {
              Profile gone = live.get(op.pick() % live.size());
              c.delete(gone.id());
              log.append("\nerased ").append(gone.id());
            }
          }
          default -> {
            Event e = event(i, times.get(i), op, identifiers(op.people(), op.mask()));
            List<String> values = new ArrayList<>();
            e.data().values().forEach(x -> {
              if (x instanceof String s && s.endsWith("_z")) {
                values.add(s);
              }
            });
            dataOf.put(e.id(), values);
            IngestResult r = c.ingest(e);
            log.append("\n").append(e.id()).append(' ').append(e.type()).append('/').append(e.action()).append(' ')
                .append(e.identifiers()).append(" -> ").append(r.outcome()).append(' ')
                .append(r.profile().map(Object::toString).orElse("")).append(r.mergedProfiles())
                .append(r.otherProfiles().isEmpty() ? "" : " elsewhere " + r.otherProfiles());
          }
        }
      }
      String context = "session:" + log;
      List<Profile> live = SessionSteps.live(c);
      for (Profile x : live) {
        String text = PortabilityTest.bundleText(c, x.id());
        JsonNode bundle = STRICT.readTree(text); // no duplicate keys
        String what = "bundle of " + x.id() + "\n" + text + "\n" + context;

        for (int p = 0; p < PEOPLE; p++) {
          for (int k = 0; k < IDS_PER_PERSON; k++) {
            Identifier i = id(p, k);
            Optional<ProfileId> owner = c.profile(i).map(Profile::id);
            if (!owner.equals(Optional.of(x.id()))) {
              assertThat(text).as("%s (owner %s) in the %s", i.value(), owner, what).doesNotContain(i.value());
            }
          }
        }
        Set<String> onTimeline = new HashSet<>();
        c.timeline(x.id(), TimelineQuery.all()).forEach(e -> onTimeline.add(e.id()));
        dataOf.forEach((eventId, values) -> {
          if (!onTimeline.contains(eventId)) {
            for (String value : values) {
              assertThat(text).as("%s of %s (not on this timeline) in the %s", value, eventId, what).doesNotContain(value);
            }
          }
        });
        for (Profile other : live) {
          if (!other.id().equals(x.id())) {
            assertThat(text).as("%s named in the %s", other.id(), what).doesNotContain("\"" + other.id().value() + "\"");
          }
        }
        assertThat(PortabilityTest.consentHistoryOf(bundle)).as("consent history of the %s", what)
            .isEqualTo(c.consentHistory(x.id()));
        Statistics.label("carried-over consent in a bundle").collect(
            c.consentHistory(x.id()).stream().anyMatch(ch -> !onTimeline.contains(ch.eventId())));
        Statistics.label("derived event in a bundle").collect(onTimeline.stream().anyMatch(id -> id.contains("#~")));
      }
    }
  }
}
