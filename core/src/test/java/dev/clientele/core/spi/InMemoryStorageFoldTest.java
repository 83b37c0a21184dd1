package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The fold a committing thread runs when a stripe's log of created and deleted profiles passes
 * the fold limit: a store written for long without being paged keeps its logs bounded, paging
 * afterwards is exact, a fold with nothing to do rebuilds nothing, and a fold that fails neither
 * undoes the commit nor stops later folds.
 */
class InMemoryStorageFoldTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Profile profile(String id) {
    return Profile.builder(ProfileId.of(id), T0).version(1).build();
  }

  @Test
  void manyCreationsAndDeletionsWithoutPaging_keepLogsBounded_andPagesExact() {
    InMemoryStorage storage = new InMemoryStorage(8);
    TreeSet<ProfileId> model = new TreeSet<>();
    List<ProfileId> live = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 6000; i++) {
      if (!live.isEmpty() && random.nextInt(3) == 0) {
        ProfileId gone = live.remove(random.nextInt(live.size()));
        storage.commit(Commit.builder().deleteProfile(gone, 1).build());
        model.remove(gone);
      } else {
        ProfileId id = ProfileId.of("p-" + random.nextInt(1_000_000));
        if (model.add(id)) {
          live.add(id);
          storage.commit(Commit.builder().putProfile(profile(id.value()), 0).build());
        }
      }
      int[] pending = storage.pendingLogChanges();
      int limit = storage.foldLimit();
      assertThat(pending[0]).as("largest stripe log after step %s", i).isLessThanOrEqualTo(limit + 1);
      assertThat(pending[1]).as("folded but unsorted after step %s", i).isLessThanOrEqualTo(limit);
    }
    assertThat(storage.rebuilds()).as("folds that rebuilt").isPositive();

    int before = storage.rebuilds();
    storage.foldLogs(); // nothing above the limit pending: no rebuild
    assertThat(storage.rebuilds()).isEqualTo(before);

    assertThat(pageAll(storage, 97)).containsExactlyElementsOf(model);
  }

  @Test
  void foldThatFails_commitStands_andALaterChangeFoldsAgain() {
    InMemoryStorage storage = new InMemoryStorage(4);
    boolean[] fail = {true};
    storage.beforeFold = () -> {
      if (fail[0]) {
        fail[0] = false;
        throw new IllegalStateException("test: fold fails once");
      }
    };
    TreeSet<ProfileId> model = new TreeSet<>();
    int i = 0;
    while (fail[0]) { // until the first fold (which fails) ran
      ProfileId id = ProfileId.of("p-" + i++);
      storage.commit(Commit.builder().putProfile(profile(id.value()), 0).build()); // does not throw
      model.add(id);
      assertThat(storage.profile(id)).as("the commit whose fold failed").isPresent();
    }
    assertThat(storage.rebuilds()).isZero();
    assertThat(storage.foldLimit()).as("the next change folds").isZero();
    ProfileId next = ProfileId.of("p-next");
    storage.commit(Commit.builder().putProfile(profile(next.value()), 0).build());
    model.add(next);
    assertThat(storage.rebuilds()).isEqualTo(1);
    assertThat(storage.foldLimit()).isEqualTo(4);
    assertThat(pageAll(storage, 5)).containsExactlyElementsOf(model);
  }

  /** Every profile id of {@code storage}, read in pages of {@code size}. */
  static List<ProfileId> pageAll(InMemoryStorage storage, int size) {
    List<ProfileId> out = new ArrayList<>();
    Optional<ProfileId> after = Optional.empty();
    while (true) {
      List<Profile> page = storage.profiles(after, size);
      page.forEach(p -> out.add(p.id()));
      if (page.size() < size) {
        return out;
      }
      after = Optional.of(page.get(page.size() - 1).id());
    }
  }
}
