package dev.clientele;

import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Profile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One client cannot make a profile arbitrarily large through the list names of its {@code list}
 * events ({@code data.list}, untrusted input). Lists had no bound: each new name copied the
 * profile's whole list map, and a JDBC backend encodes the lists with the profile on every later
 * event of that person, so 30,000 invented names made every event of the person carry 30,000
 * lists. Checked structurally (the size of what is copied and written), not timed.
 */
class ListBoundsHuntTest {
  private static Event subscribe(String id, long minute, String list) {
    return event(id, "list", minute).action("subscribe").data("list", list).identifier(email("bot@example.com")).build();
  }

  @Test
  void ingest_listNamesBeyondTheMaximum_notKeptAndRecorded() {
    try (Clientele c = Fixtures.clientele()) {
      List<Event> events = new ArrayList<>();
      for (int i = 0; i < Profile.MAX_LISTS + 5; i++) {
        events.add(subscribe("e-" + i, i, "list-" + i));
      }
      List<IngestResult> results = new ArrayList<>();
      c.ingestAll(events, results::add);

      Profile bot = c.profile(email("bot@example.com")).orElseThrow();
      assertThat(bot.lists()).hasSize(Profile.MAX_LISTS);
      assertThat(results).flatMap(IngestResult::problems)
          .filteredOn(p -> p.contains("the profile holds the maximum of 1000 lists")).hasSize(5);
      assertThat(bot.lists()).containsKey("list-0").doesNotContainKey("list-" + Profile.MAX_LISTS);

      IngestResult refused = c.ingest(subscribe("s-0", 4_999, "brand-new"));
      IngestResult known = c.ingest(event("u-1", "list", 5_000).action("unsubscribe").data("list", "list-7")
          .identifier(email("bot@example.com")).build());
      IngestResult roomAgain = c.ingest(subscribe("s-1", 5_001, "brand-new"));
      IngestResult full = c.ingest(subscribe("s-2", 5_002, "brand-newer"));

      Profile after = c.profile(email("bot@example.com")).orElseThrow();
      assertThat(refused.problems()).containsExactly("list event s-0 rejected: the profile holds the maximum of 1000 lists");
      assertThat(known.problems()).as("a list the profile is on still changes").isEmpty();
      assertThat(after.lists().get("list-7").subscribed()).isFalse();
      assertThat(roomAgain.problems()).as("one subscription left, one may come").isEmpty();
      assertThat(full.problems()).containsExactly("list event s-2 rejected: the profile holds the maximum of 1000 lists");
      assertThat(after.lists()).containsKey("brand-new").doesNotContainKey("brand-newer");
      assertThat(after.lists().values().stream().filter(l -> l.subscribed()).count()).isEqualTo(Profile.MAX_LISTS);
      assertThat(after.eventCount()).as("the events themselves are kept, as with a refused attribute").isEqualTo(Profile.MAX_LISTS + 9L);
    }
  }

  /**
   * Review of the cap (session 19): an unsubscribe from a list the capped profile was not on was
   * refused too, so a later merge with a profile subscribed to that list left the person
   * subscribed after opting out. Unsubscribes are recorded past the cap (up to twice it).
   */
  @Test
  void ingest_unsubscribeOfAListNotHeldAtTheMaximum_isKept_andAMergeKeepsTheOptOut() {
    try (Clientele c = Fixtures.clientele()) {
      List<Event> events = new ArrayList<>();
      for (int i = 0; i < Profile.MAX_LISTS; i++) {
        events.add(subscribe("e-" + i, i, "list-" + i));
      }
      c.ingestAll(events);
      c.ingest(event("n-1", "list", 1_500).action("subscribe").data("list", "news").identifier(Fixtures.customerId("c-1")).build());
      IngestResult optOut = c.ingest(event("u-1", "list", 2_000).action("unsubscribe").data("list", "news")
          .identifier(email("bot@example.com")).build());
      assertThat(optOut.problems()).isEmpty();
      // an earlier subscribe of a name the profile now holds as unsubscribed: the later opt-out stands
      c.ingest(subscribe("s-1", 1_999, "news"));
      assertThat(c.profile(email("bot@example.com")).orElseThrow().lists().get("news").subscribed()).isFalse();

      c.ingest(event("m-1", "page", 2_100).identifier(email("bot@example.com")).identifier(Fixtures.customerId("c-1")).build());
      Profile merged = c.profile(email("bot@example.com")).orElseThrow();
      assertThat(merged.id()).isEqualTo(c.profile(Fixtures.customerId("c-1")).orElseThrow().id());
      assertThat(merged.lists().get("news").subscribed()).as("the opt-out survives the merge").isFalse();
    }
  }

  @Test
  void ingest_unsubscribesOfNewNames_keptUpToTwiceTheMaximum_thenRefusedAndRecorded() {
    try (Clientele c = Fixtures.clientele()) {
      List<Event> events = new ArrayList<>();
      for (int i = 0; i < 2 * Profile.MAX_LISTS + 3; i++) {
        events.add(event("u-" + i, "list", i).action("unsubscribe").data("list", "list-" + i)
            .identifier(email("bot@example.com")).build());
      }
      List<IngestResult> results = new ArrayList<>();
      c.ingestAll(events, results::add);

      assertThat(c.profile(email("bot@example.com")).orElseThrow().lists()).hasSize(2 * Profile.MAX_LISTS);
      assertThat(results).flatMap(IngestResult::problems)
          .filteredOn(p -> p.contains("the profile holds the maximum of 2000 lists")).hasSize(3);
      IngestResult subscribe = c.ingest(subscribe("s-1", 9_000, "brand-new"));
      assertThat(subscribe.problems()).as("no subscription yet, but no room for a new name")
          .containsExactly("list event s-1 rejected: the profile holds the maximum of 2000 lists");
    }
  }

  /**
   * Review (session 19): a subscribe to a list that held an unsubscribe was not checked against
   * the cap, so 2,000 unsubscribes then 2,000 subscribes gave 2,000 subscriptions.
   */
  @Test
  void ingest_resubscribesAfterUnsubscribes_stillCappedAtTheMaximumSubscribed() {
    try (Clientele c = Fixtures.clientele()) {
      List<Event> events = new ArrayList<>();
      int n = 2 * Profile.MAX_LISTS;
      for (int i = 0; i < n; i++) {
        events.add(event("u-" + i, "list", i).action("unsubscribe").data("list", "list-" + i).identifier(email("bot@example.com")).build());
      }
      for (int i = 0; i < n; i++) {
        events.add(subscribe("s-" + i, n + i, "list-" + i));
      }
      List<IngestResult> results = new ArrayList<>();
      c.ingestAll(events, results::add);

      Profile bot = c.profile(email("bot@example.com")).orElseThrow();
      assertThat(bot.lists().values().stream().filter(l -> l.subscribed()).count()).isEqualTo(Profile.MAX_LISTS);
      assertThat(results).flatMap(IngestResult::problems)
          .filteredOn(p -> p.contains("the profile holds the maximum of 1000 lists")).hasSize(n - Profile.MAX_LISTS);
    }
  }

  /**
   * Review (session 19): a split replays each side in time order; with the cap applied, backdated
   * unsubscribes of invented names took the room of an opt-out that ingestion had kept, the split
   * dropped it, and a later merge with a profile subscribed to that list left the person
   * subscribed. A replay applies unsubscribes whatever the number of lists.
   */
  @Test
  void split_replay_keepsAnOptOutThatIngestionKept_pastBackdatedInventedNames() {
    try (Clientele c = Fixtures.clientele()) {
      c.ingest(event("n-0", "list", 3_000).action("unsubscribe").data("list", "news").identifier(email("bot@example.com")).build());
      List<Event> backdated = new ArrayList<>();
      for (int i = 0; i < 2 * Profile.MAX_LISTS; i++) {
        backdated.add(event("u-" + i, "list", i).action("unsubscribe").data("list", "list-" + i).identifier(email("bot@example.com")).build());
      }
      c.ingestAll(backdated);
      ProfileIdHolder ann = new ProfileIdHolder(c.profile(email("bot@example.com")).orElseThrow().id());
      assertThat(c.profile(email("bot@example.com")).orElseThrow().lists().get("news").subscribed()).isFalse();

      // a wrong merge with someone else, then its split
      c.ingest(event("x-0", "page", 3_100).identifier(Fixtures.customerId("other")).build());
      Profile merged = c.merge(ann.id, c.profile(Fixtures.customerId("other")).orElseThrow().id(), "wrong");
      String record = c.mergeLog(merged.id()).get(c.mergeLog(merged.id()).size() - 1).id();
      c.split(record, "undo the wrong merge");
      Profile afterSplit = c.profile(email("bot@example.com")).orElseThrow();
      assertThat(afterSplit.lists().get("news")).as("the opt-out survives the split").isNotNull();
      assertThat(afterSplit.lists().get("news").subscribed()).isFalse();

      // a right merge with a profile subscribed to news earlier: the opt-out stands
      c.ingest(event("s-0", "list", 2_500).action("subscribe").data("list", "news").identifier(Fixtures.customerId("c-1")).build());
      c.ingest(event("m-0", "page", 3_200).identifier(email("bot@example.com")).identifier(Fixtures.customerId("c-1")).build());
      assertThat(c.profile(email("bot@example.com")).orElseThrow().lists().get("news").subscribed()).isFalse();
    }
  }

  private record ProfileIdHolder(dev.clientele.core.ProfileId id) {}
}
