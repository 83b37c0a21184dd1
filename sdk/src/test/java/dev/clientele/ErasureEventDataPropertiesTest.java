package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Attribute;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.TimelineQuery;
import dev.clientele.core.spi.MergeRecord;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
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
 * Review 2, finding 1 (GDPR): erasure must not copy the erased person's event data into another
 * profile. After random sessions of ingestion ({@code identify} with a first name and a device,
 * {@code order} with a total and a device, consent changes with a channel and a device and a
 * free-text note, page views with a device; identifiers of three people, so events merge
 * profiles), splits, forced merges and erasures of any profile, every data value of the events
 * is unique to that event (and its copies, when ingestion refused a link), and those found only
 * on an erased profile's timeline at its erasure are found afterwards nowhere on a remaining
 * profile: not in its attributes, not in the data of any event on its timeline; and each
 * remaining profile's revenue is the sum of the order totals on its own timeline (so no erased
 * order counts there).
 */
class ErasureEventDataPropertiesTest {
  /** One step: kind 0-3 an event (identify, order, consent, page view), 4 a split, 5 a forced merge, 6 an erasure. */
  record Op(int kind, int mask, int pick) {}

  @Provide
  Arbitrary<List<Op>> sessions() {
    Arbitrary<Integer> kind = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(12, Arbitraries.integers().between(0, 3)),
        net.jqwik.api.Tuple.of(4, Arbitraries.just(4)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(5)),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(6)));
    return Combinators.combine(kind, Arbitraries.integers().between(0, 1 << 12), Arbitraries.integers().between(0, 99))
        .as(Op::new)
        .list().ofMinSize(4).ofMaxSize(30);
  }

  /** Two identifiers of each of three people. */
  private static final List<Identifier> POOL = List.of(
      Fixtures.email("ann@example.com"), Fixtures.customerId("c-ann"),
      Fixtures.email("bob@example.com"), Fixtures.customerId("c-bob"),
      Fixtures.email("cy@example.com"), Fixtures.phone("+14155550123"));

  /** One to three identifiers of the pool. */
  private static List<Identifier> identifiers(int mask) {
    return SessionSteps.someOf(POOL, mask);
  }

  /** Event {@code n} of {@code kind}, whose every data value is unique to it (the total too: 1000 + n). */
  private static Event event(int n, int kind, int minute, List<Identifier> ids) {
    String id = "e-" + n;
    Event.Builder b = switch (kind) {
      case 0 -> Fixtures.event(id, "identify", minute).data("first_name", "name-" + id);
      case 1 -> Fixtures.event(id, "order", minute).action("purchase").data("total", 1000 + n);
      case 2 -> Fixtures.event(id, "consent", minute).action(n % 2 == 0 ? "opt_out" : "opt_in")
          .data("channel", "email").data("note", "note-" + id);
      default -> Fixtures.event(id, "pageview", minute);
    };
    b.data("device", "device-" + id);
    ids.forEach(b::identifier);
    return b.build();
  }

  /** The data values of {@code e} as strings (a kept event's channel is no person's data: left out). */
  private static Set<String> values(Event e) {
    Set<String> out = new HashSet<>();
    e.data().forEach((k, v) -> {
      if (!k.equals("channel")) {
        out.add(String.valueOf(v));
      }
    });
    return out;
  }

  @Property(tries = 300)
  void erasure_leavesNoneOfTheErasedSidesEventDataOnARemainingProfile(@ForAll("sessions") List<Op> ops, @ForAll long seed) {
    List<Integer> minutes = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      minutes.add(i);
    }
    Collections.shuffle(minutes, new Random(seed));
    StringBuilder log = new StringBuilder();
    Set<String> erased = new HashSet<>();
    int erasures = 0;
    try (Clientele c = Fixtures.clientele()) {
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        List<Profile> live = SessionSteps.live(c);
        switch (op.kind()) {
          case 4 -> SessionSteps.splitOne(c, live, op.pick(), log);
          case 5 -> SessionSteps.forceMergeTwo(c, live, op.pick(), op.mask(), log);
          case 6 -> {
            if (!live.isEmpty()) {
              Profile gone = live.get(op.pick() % live.size());
              // Only on the erased side: a refused link stores a copy of the event for each
              // profile, which is the other profile's own and stays.
              Set<String> only = new HashSet<>();
              for (Event e : c.timeline(gone.id(), TimelineQuery.all())) {
                only.addAll(values(e));
              }
              for (Profile other : live) {
                if (!other.id().equals(gone.id())) {
                  c.timeline(other.id(), TimelineQuery.all()).forEach(e -> only.removeAll(values(e)));
                }
              }
              erased.addAll(only);
              boolean split = c.mergeLog(gone.id()).stream().anyMatch(r -> r.kind() == MergeRecord.Kind.SPLIT);
              c.delete(gone.id());
              erasures++;
              log.append("\nerased ").append(gone.id()).append(split ? " (named by a split)" : "");
              Statistics.label("erased a profile a split names").collect(split);
            }
          }
          default -> {
            Event e = event(i, op.kind(), minutes.get(i), identifiers(op.mask()));
            IngestResult r = c.ingest(e);
            log.append('\n').append(e.id()).append(' ').append(e.type()).append(' ').append(e.identifiers())
                .append(" -> ").append(r.outcome()).append(' ').append(r.profile().map(Object::toString).orElse(""));
          }
        }
      }
      Statistics.label("erasures").collect(Math.min(erasures, 2));
      String context = "session:" + log;
      for (Profile p : Fixtures.profiles(c)) {
        for (Attribute a : p.attributes().values()) {
          assertThat(erased).as("attribute %s of %s; %s", a.name(), p.id(), context).doesNotContain(String.valueOf(a.value()));
        }
        BigDecimal revenue = BigDecimal.ZERO;
        for (Event e : c.timeline(p.id(), TimelineQuery.all())) {
          assertThat(values(e)).as("data of %s on %s; %s", e.id(), p.id(), context).noneMatch(erased::contains);
          if (e.type().equals("order") && e.data().get("total") instanceof Number n) {
            revenue = revenue.add(new BigDecimal(n.toString()));
          }
        }
        assertThat(p.orders().revenue()).as("revenue of %s; %s", p.id(), context).isEqualByComparingTo(revenue);
      }
    }
  }
}
