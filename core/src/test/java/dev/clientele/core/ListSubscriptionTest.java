package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ListSubscriptionTest {
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void apply_firstSubscribe_subscribes() {
    ListSubscription s = ListSubscription.apply(Optional.empty(), "news", true, T);

    assertThat(s).isEqualTo(new ListSubscription("news", true, Optional.of(T), Optional.empty()));
  }

  @Test
  void apply_firstUnsubscribe_recordsItWithoutSubscribing() {
    ListSubscription s = ListSubscription.apply(Optional.empty(), "news", false, T);

    assertThat(s.subscribed()).isFalse();
    assertThat(s.subscribedAt()).isEmpty();
    assertThat(s.unsubscribedAt()).contains(T);
  }

  @Test
  void apply_laterUnsubscribe_unsubscribesAndKeepsBothTimes() {
    ListSubscription sub = ListSubscription.apply(Optional.empty(), "news", true, T);

    ListSubscription s = ListSubscription.apply(Optional.of(sub), "news", false, T.plusSeconds(60));

    assertThat(s).isEqualTo(new ListSubscription("news", false, Optional.of(T), Optional.of(T.plusSeconds(60))));
  }

  @Test
  void apply_olderChangeArrivingLate_doesNotOverrideNewer() {
    ListSubscription unsub = ListSubscription.apply(Optional.empty(), "news", false, T.plusSeconds(60));

    ListSubscription s = ListSubscription.apply(Optional.of(unsub), "news", true, T);

    assertThat(s.subscribed()).isFalse();
    assertThat(s.subscribedAt()).contains(T);
    assertThat(s.unsubscribedAt()).contains(T.plusSeconds(60));
  }

  @Test
  void apply_subscribeAndUnsubscribeAtTheSameTime_unsubscribeWins() {
    ListSubscription sub = ListSubscription.apply(Optional.empty(), "news", true, T);
    ListSubscription unsub = ListSubscription.apply(Optional.empty(), "news", false, T);

    assertThat(ListSubscription.apply(Optional.of(sub), "news", false, T).subscribed()).isFalse();
    assertThat(ListSubscription.apply(Optional.of(unsub), "news", true, T).subscribed()).isFalse();
  }

  @Test
  void apply_anyOrderOfChanges_givesTheSameState() {
    Trials.forAll("apply is order-free", random -> {
      List<Change> changes = new ArrayList<>();
      int n = 1 + random.nextInt(8);
      for (int i = 0; i < n; i++) {
        changes.add(new Change(random.nextBoolean(), T.plusSeconds(random.nextInt(4) * 60L)));
      }

      ListSubscription inOrder = applyAll(changes);
      ListSubscription shuffled = applyAll(Trials.shuffled(changes, random));

      assertThat(shuffled).as("%s", changes).isEqualTo(inOrder);
      Optional<Instant> lastSub = changes.stream().filter(Change::subscribe).map(Change::at).max(Instant::compareTo);
      Optional<Instant> lastUnsub = changes.stream().filter(c -> !c.subscribe()).map(Change::at).max(Instant::compareTo);
      assertThat(inOrder.subscribed())
          .isEqualTo(lastSub.isPresent() && (lastUnsub.isEmpty() || lastSub.get().isAfter(lastUnsub.get())));
    });
  }

  @Test
  void apply_nullArguments_throwNamingTheArgument() {
    assertThatNullPointerException().isThrownBy(() -> ListSubscription.apply(null, "news", true, T))
        .withMessage("current");
    assertThatNullPointerException().isThrownBy(() -> ListSubscription.apply(Optional.empty(), null, true, T))
        .withMessage("list");
    assertThatNullPointerException().isThrownBy(() -> ListSubscription.apply(Optional.empty(), "news", true, null))
        .withMessage("at");
  }

  @Test
  void new_badListName_throws() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ListSubscription(" ", false, Optional.empty(), Optional.empty()))
        .withMessageStartingWith("list name");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ListSubscription("x".repeat(129), false, Optional.empty(), Optional.empty()))
        .withMessageStartingWith("list name");
  }

  @Test
  void new_inconsistentTimes_throws() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ListSubscription("news", true, Optional.empty(), Optional.empty()))
        .withMessageContaining("subscribedAt");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ListSubscription("news", false, Optional.of(T), Optional.empty()))
        .withMessageContaining("unsubscribedAt");
  }

  @Test
  void new_nullComponents_throwNamingTheComponent() {
    assertThatNullPointerException().isThrownBy(() -> new ListSubscription(null, false, Optional.empty(), Optional.empty()))
        .withMessage("list");
    assertThatNullPointerException().isThrownBy(() -> new ListSubscription("news", false, null, Optional.empty()))
        .withMessage("subscribedAt");
    assertThatNullPointerException().isThrownBy(() -> new ListSubscription("news", false, Optional.empty(), null))
        .withMessage("unsubscribedAt");
  }

  private static ListSubscription applyAll(List<Change> changes) {
    Optional<ListSubscription> s = Optional.empty();
    for (Change c : changes) {
      s = Optional.of(ListSubscription.apply(s, "news", c.subscribe(), c.at()));
    }
    return s.orElseThrow();
  }

  private record Change(boolean subscribe, Instant at) {}
}
