package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * A commit's fold rebuilds the sorted ids after releasing the stripes' locks: commits made while
 * it rebuilds are neither kept out nor lost, and pages afterwards show exactly the live profiles,
 * also when an id the rebuild asks about is created or deleted again right after it asked.
 * The interleavings are made by the fold's test hooks, not by timing.
 *
 * <p>Not covered: the hooks run on the folding thread, between its steps, so these tests cannot
 * tell the rebuild's exact single-key read of a deleted id ({@code profileNow}, under the
 * stripe's read lock or a validated stamp) from an unlocked one; only a commit racing the read
 * from another thread could, which needs timing. The property does fail when the rebuild drops
 * deleted ids without reading them.
 */
class InMemoryStorageFoldOverlapTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Profile profile(ProfileId id) {
    return Profile.builder(id, T0).version(1).build();
  }

  @Test
  void foldRebuilding_letsAnotherThreadCommit_andPagesShowItsChanges() throws Exception {
    InMemoryStorage storage = new InMemoryStorage(4);
    TreeSet<ProfileId> model = new TreeSet<>();
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      ProfileId doomed = ProfileId.of("p-doomed");
      create(storage, model, doomed);
      List<String> seenInHook = new ArrayList<>();
      storage.afterFoldTook = () -> {
        storage.afterFoldTook = null; // once
        try {
          // Another thread commits while this fold holds the sorted ids but no stripe: with the
          // stripes locked, this commit would wait for the fold, and the fold for it (a hang,
          // cut short by the timeout as a failure).
          other.submit(() -> {
            create(storage, model, ProfileId.of("p-during-fold"));
            delete(storage, model, doomed);
          }).get(30, TimeUnit.SECONDS);
          seenInHook.add("committed");
        } catch (Exception e) {
          throw new AssertionError("a commit made while the fold rebuilt did not complete", e);
        }
      };
      int i = 0;
      while (storage.afterFoldTook != null) { // commits until one folds
        create(storage, model, ProfileId.of("p-" + i++));
      }
      assertThat(seenInHook).containsExactly("committed");
      assertThat(storage.rebuilds()).isEqualTo(1);
      assertThat(storage.profile(doomed)).isEmpty();
      assertThat(InMemoryStorageFoldTest.pageAll(storage, 3)).containsExactlyElementsOf(model).contains(ProfileId.of("p-during-fold"));
    } finally {
      other.shutdownNow();
    }
  }

  /**
   * Random creations and deletions over a few ids; at every point where a fold asks whether a
   * deleted id exists, and after it took the logs, more changes run (chosen by {@code during}),
   * among them changing the very id just asked about. Pages between the steps and at the end
   * list exactly the live ids.
   */
  @Property(tries = 200)
  void foldsOverlappingCommits_pagesListExactlyTheLiveProfiles(
      @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 40) Integer> steps,
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 3) Integer> during,
      @ForAll @IntRange(min = 1, max = 6) int foldFloor) {
    InMemoryStorage storage = new InMemoryStorage(foldFloor);
    TreeSet<ProfileId> model = new TreeSet<>();
    Iterator<Integer> interleaved = during.iterator();
    storage.afterFoldLookup = asked -> {
      if (interleaved.hasNext()) {
        switch (interleaved.next()) {
          case 0 -> toggle(storage, model, asked); // the id just read: created or deleted again
          case 1 -> toggle(storage, model, ProfileId.of("p-" + model.size() % 41));
          default -> { }
        }
      }
    };
    storage.afterFoldTook = () -> {
      if (interleaved.hasNext() && interleaved.next() > 1) {
        toggle(storage, model, ProfileId.of("p-x" + model.size()));
      }
    };
    int n = 0;
    for (int step : steps) {
      toggle(storage, model, ProfileId.of("p-" + step));
      if (++n % 50 == 0) {
        assertThat(InMemoryStorageFoldTest.pageAll(storage, 7)).as("after step %s", n).containsExactlyElementsOf(model);
      }
    }
    storage.afterFoldLookup = null;
    storage.afterFoldTook = null;
    assertThat(InMemoryStorageFoldTest.pageAll(storage, 7)).containsExactlyElementsOf(model);
    assertThat(storage.profileCount()).isEqualTo(model.size());
  }

  private static void toggle(InMemoryStorage storage, TreeSet<ProfileId> model, ProfileId id) {
    if (model.contains(id)) {
      delete(storage, model, id);
    } else {
      create(storage, model, id);
    }
  }

  private static void create(InMemoryStorage storage, TreeSet<ProfileId> model, ProfileId id) {
    storage.commit(Commit.builder().putProfile(profile(id), 0).build());
    model.add(id);
  }

  private static void delete(InMemoryStorage storage, TreeSet<ProfileId> model, ProfileId id) {
    storage.commit(Commit.builder().deleteProfile(id, 1).build());
    model.remove(id);
  }
}
