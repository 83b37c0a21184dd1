package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Paging of {@link InMemoryStorage}, whose sorted ids are folded in lazily (see {@code
 * SortedIds}): whatever mix of creates, deletes and re-creates came before, and whether or not
 * enough changed to trigger a rebuild, paging through must list exactly the stored profiles in
 * id order.
 */
class InMemoryStoragePagingTest {

  @Property(tries = 12)
  void profiles_afterCreatesDeletesAndRecreates_pageThroughExactlyTheStoredOnesInOrder(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 2500) int steps, @ForAll @IntRange(min = 1, max = 700) int pageSize) {
    Random random = new Random(seed);
    InMemoryStorage storage = new InMemoryStorage();
    TreeMap<ProfileId, Profile> model = new TreeMap<>();
    // A small id pool, so ids are deleted and created again; pages are read now and then, so
    // some reads fold recent changes in and some merge them on the fly.
    int pool = 1 + random.nextInt(2500);
    for (int i = 0; i < steps; i++) {
      randomStep(random, pool, storage, model);
      if (random.nextInt(400) == 0) {
        assertThat(pageThrough(storage, pageSize)).containsExactlyElementsOf(model.values());
      }
    }
    assertThat(pageThrough(storage, pageSize)).containsExactlyElementsOf(model.values());
    assertThat(storage.profileCount()).isEqualTo(model.size());
  }

  @Property(tries = 8)
  void profiles_pagedBetweenFewChanges_seeEveryUpdateDeleteAndRecreate(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 2000) int steps, @ForAll @IntRange(min = 1, max = 300) int pageSize) {
    // Pages read often, so most are served from the cells kept beside the sorted ids (no lookup
    // by id) while updates, deletes and re-creates since the last rebuild are pending.
    Random random = new Random(seed);
    InMemoryStorage storage = new InMemoryStorage();
    TreeMap<ProfileId, Profile> model = new TreeMap<>();
    int pool = 1 + random.nextInt(1500);
    for (int i = 0; i < steps; i++) {
      randomStep(random, pool, storage, model);
      if (random.nextInt(40) == 0) {
        assertThat(pageThrough(storage, pageSize)).containsExactlyElementsOf(model.values());
      }
    }
    assertThat(pageThrough(storage, pageSize)).containsExactlyElementsOf(model.values());
  }

  /** Creates, deletes or updates a random profile of a pool of {@code pool} ids, in the store and the model alike. */
  private static void randomStep(Random random, int pool, InMemoryStorage storage, TreeMap<ProfileId, Profile> model) {
    ProfileId id = ProfileId.of("p-" + random.nextInt(pool));
    Profile current = model.get(id);
    if (current == null) {
      Profile p = profile(id.value(), 1);
      storage.commit(Commit.builder().putProfile(p, 0).build());
      model.put(id, p);
    } else if (random.nextInt(3) == 0) {
      storage.commit(Commit.builder().deleteProfile(id, current.version()).build());
      model.remove(id);
    } else {
      Profile p = current.toBuilder().version(current.version() + 1).eventCount(current.eventCount() + 1).build();
      storage.commit(Commit.builder().putProfile(p, current.version()).build());
      model.put(id, p);
    }
  }

  /** A stand-in for the store's profile cell: emptied when its profile is deleted, replaced when created again. */
  private static final class Cell {
    Integer value;

    Cell(Integer value) {
      this.value = value;
    }
  }

  @Property(tries = 50)
  void sortedIds_pagesFromCells_matchPagesByLookup(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4000) int steps) {
    // SortedIds alone, against a map: cells carried over rebuilds, unknown after re-creation,
    // filled at random moments; a page through the cells must equal a page by lookup.
    Random random = new Random(seed);
    SortedIds ids = new SortedIds();
    int foldAt = 50 + random.nextInt(200); // as a store's commits fold after so many changes
    Map<ProfileId, Cell> live = new HashMap<>();
    int pool = 1 + random.nextInt(600);
    // Short ids differ within the nine characters of their sort keys; long ones share them all,
    // so their order comes from comparing the strings.
    String prefix = random.nextBoolean() ? "p-" : "profile-of-a-customer-";
    for (int i = 0; i < steps; i++) {
      ProfileId id = ProfileId.of(prefix + random.nextInt(pool));
      Cell cell = live.get(id);
      if (cell == null) {
        live.put(id, new Cell(i));
        ids.created(List.of(id));
      } else if (random.nextInt(3) == 0) {
        live.remove(id).value = null;
        ids.deleted(List.of(id));
      } else {
        cell.value = i;
      }
      if (ids.pendingChanges() > foldAt) {
        ids.rebuild(x -> live.get(x));
      }
      int r = random.nextInt(30);
      if (r == 0) {
        ids.rebuild(x -> live.get(x));
      } else if (r == 1) {
        ids.fillCells(x -> live.get(x));
      } else if (r == 2) {
        Optional<ProfileId> after = random.nextBoolean() ? Optional.empty() : Optional.of(ProfileId.of(prefix + random.nextInt(pool)));
        int limit = 1 + random.nextInt(pool + 5);
        java.util.function.Function<ProfileId, Integer> byId = x -> live.containsKey(x) ? live.get(x).value : null;
        List<Integer> expected = new ArrayList<>();
        for (var e : new TreeMap<>(live).tailMap(after.orElse(ProfileId.of(prefix)), after.isEmpty()).entrySet()) {
          if (expected.size() < limit) {
            expected.add(e.getValue().value);
          }
        }
        // An emptied cell gives null: its id was deleted, or created again and merged from the recent ids.
        assertThat(ids.page(after, limit, byId, c -> ((Cell) c).value))
            .isEqualTo(ids.page(after, limit, byId)).isEqualTo(expected);
      }
    }
  }

  @Property(tries = 100)
  void sortKey_ordersLikeTheIds(@ForAll("profileIds") String a, @ForAll("profileIds") String b) {
    ProfileId x = ProfileId.of(a);
    ProfileId y = ProfileId.of(b);
    long kx = SortedIds.sortKey(x);
    long ky = SortedIds.sortKey(y);
    if (kx != ky) {
      assertThat(Long.signum(Long.compare(kx, ky))).isEqualTo(Integer.signum(x.compareTo(y)));
    } else {
      assertThat(a.substring(0, Math.min(a.length(), 9))).isEqualTo(b.substring(0, Math.min(b.length(), 9)));
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> profileIds() {
    // Few distinct characters, so ids often share a start; lengths around the key's nine.
    return net.jqwik.api.Arbitraries.strings().withChars("-09AZ_az").ofMinLength(1).ofMaxLength(14);
  }

  @Test
  void sortedIds_fillCellsAfterADelete_leavesNoCellUnknown() {
    // Otherwise one deletion since the last rebuild would send every page to the write lock.
    SortedIds ids = new SortedIds();
    Map<ProfileId, Cell> live = new HashMap<>();
    for (String v : List.of("a", "b", "c")) {
      live.put(ProfileId.of(v), new Cell(v.charAt(0) - 'a'));
      ids.created(List.of(ProfileId.of(v)));
    }
    ids.rebuild(x -> live.get(x));
    live.remove(ProfileId.of("b")).value = null;
    ids.deleted(List.of(ProfileId.of("b")));
    assertThat(ids.hasAllCells()).isFalse();
    ids.fillCells(x -> live.get(x));
    assertThat(ids.hasAllCells()).isTrue();
    java.util.function.Function<ProfileId, Integer> byId = x -> live.containsKey(x) ? live.get(x).value : null;
    assertThat(ids.page(Optional.empty(), 10, byId, c -> ((Cell) c).value)).containsExactly(0, 2);
    live.put(ProfileId.of("b"), new Cell(7)); // created again
    ids.created(List.of(ProfileId.of("b")));
    assertThat(ids.page(Optional.empty(), 10, byId, c -> ((Cell) c).value)).containsExactly(0, 7, 2);
  }

  @Test
  void profiles_afterAnIdThatIsNotStored_startsAtTheNextGreaterId() {
    InMemoryStorage storage = new InMemoryStorage();
    for (String id : List.of("p-b", "p-d", "p-f")) {
      storage.commit(Commit.builder().putProfile(profile(id, 1), 0).build());
    }
    assertThat(storage.profiles(Optional.of(ProfileId.of("p-c")), 10))
        .extracting(p -> p.id().value())
        .containsExactly("p-d", "p-f");
    assertThat(storage.profiles(Optional.of(ProfileId.of("p-f")), 10)).isEmpty();
  }

  /** A profile with no identifiers at {@code version}. */
  private static Profile profile(String id, long version) {
    return Profile.builder(ProfileId.of(id), Instant.parse("2026-01-01T00:00:00Z")).version(version).build();
  }

  private static List<Profile> pageThrough(Storage storage, int pageSize) {
    List<Profile> all = new ArrayList<>();
    Optional<ProfileId> after = Optional.empty();
    while (true) {
      List<Profile> page = storage.profiles(after, pageSize);
      all.addAll(page);
      if (page.size() < pageSize) {
        return all;
      }
      after = Optional.of(page.get(page.size() - 1).id());
    }
  }
}
