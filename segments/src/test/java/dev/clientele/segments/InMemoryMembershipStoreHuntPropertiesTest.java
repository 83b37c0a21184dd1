package dev.clientele.segments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link InMemoryMembershipStore} under a profile whose history is long: a profile that flips in
 * and out of a segment on every event (a consent toggled back and forth under an "opted out"
 * segment) keeps a span per flip. Every enter and leave used to read the whole history twice (to
 * find the open span, then to rebuild the current set), so each event of such a profile cost more
 * than the one before (211 µs an event at 50,000 spans, beside 19 µs at 5,000). Work is counted,
 * not timed: the spans an enter or a leave reads. The property holds the store to a plain model.
 */
class InMemoryMembershipStoreHuntPropertiesTest {
  private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
  private static final ProfileId ANN = new ProfileId("p-ann");

  @Test
  void enterAndLeave_afterThousandsOfFlips_readAtMostTheOpenSpan() {
    InMemoryMembershipStore store = new InMemoryMembershipStore();
    store.enter(ANN, "reachable", T0, Optional.empty());
    int flips = 5_000;
    for (int i = 0; i < flips; i++) {
      store.enter(ANN, "opted-out", T0.plusSeconds(2L * i), Optional.of("e-" + i));
      store.leave(ANN, "opted-out", T0.plusSeconds(2L * i + 1), Optional.of("f-" + i));
    }
    LongAdder read = new LongAdder();
    store.spansRead = read;
    store.enter(ANN, "opted-out", T0.plusSeconds(2L * flips), Optional.of("last"));
    store.leave(ANN, "reachable", T0.plusSeconds(2L * flips), Optional.of("last"));
    store.leave(ANN, "never-entered", T0.plusSeconds(2L * flips), Optional.empty());

    assertThat(read.sum()).as("spans read by one enter and two leaves, with %s spans stored", flips + 2).isEqualTo(1);
    assertThat(store.current(ANN)).containsExactly("opted-out");
    List<MembershipSpan> history = store.history(ANN);
    assertThat(history).hasSize(flips + 2);
    assertThat(history.get(0).leftAt()).contains(T0.plusSeconds(2L * flips));
    assertThat(history.get(flips + 1).isCurrent()).isTrue();
  }

  /** A step: enter ({@code true}) or leave a segment. */
  record Step(boolean enter, String segment) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step = net.jqwik.api.Combinators.combine(Arbitraries.of(true, false), Arbitraries.of("a", "b", "c"))
        .as(Step::new);
    return step.list().ofMaxSize(60);
  }

  @Property(tries = 200)
  void enterAndLeave_anySequence_matchAListOfSpans(@ForAll("steps") List<Step> steps) {
    InMemoryMembershipStore store = new InMemoryMembershipStore();
    List<MembershipSpan> model = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      Instant at = T0.plusSeconds(i);
      Optional<String> cause = Optional.of("e-" + i);
      int open = -1;
      for (int k = 0; k < model.size(); k++) {
        if (model.get(k).isCurrent() && model.get(k).segment().equals(s.segment())) {
          open = k;
        }
      }
      boolean changed;
      if (s.enter()) {
        changed = store.enter(ANN, s.segment(), at, cause);
        if (open < 0) {
          model.add(new MembershipSpan(s.segment(), at, cause, Optional.empty(), Optional.empty()));
        }
      } else {
        changed = store.leave(ANN, s.segment(), at, cause);
        if (open >= 0) {
          model.set(open, model.get(open).leave(at, cause));
        }
      }
      assertThat(changed).as("step %s: %s", i, s).isEqualTo(s.enter() ? open < 0 : open >= 0);
      Map<String, Boolean> current = new LinkedHashMap<>(); // current segments in the order of their spans
      model.stream().filter(MembershipSpan::isCurrent).forEach(m -> current.put(m.segment(), true));
      assertThat(store.current(ANN)).as("step %s", i).containsExactlyElementsOf(current.keySet());
    }
    assertThat(store.history(ANN)).containsExactlyElementsOf(model);
  }
}
