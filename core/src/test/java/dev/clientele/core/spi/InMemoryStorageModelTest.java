package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link InMemoryStorage}, whose identifier slots point at profile cells and whose event ids sit
 * in a hash table, against a model made of plain maps: random commits (profiles created,
 * updated, deleted and created again; identifiers assigned, moved and removed, also to ids that
 * have no profile or lose it; events appended and erased) and, after each, every read agrees with
 * the model, {@link InMemoryStorage#ownedProfiles} included. Some commits combine parts that touch
 * the same identifier (an index entry removed and an event anchored there; events erased and one
 * appended).
 */
class InMemoryStorageModelTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Property(tries = 30)
  void reads_afterRandomCommits_matchAModelOfPlainMaps(@ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int steps) {
    Random random = new Random(seed);
    InMemoryStorage storage = new InMemoryStorage();
    Map<ProfileId, Profile> profiles = new HashMap<>();
    Map<Identifier, ProfileId> index = new HashMap<>();
    Map<String, StoredEvent> events = new LinkedHashMap<>();
    List<Identifier> pool = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      pool.add(Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + i));
    }
    int nextEvent = 0;
    for (int step = 0; step < steps; step++) {
      ProfileId pid = ProfileId.of("p-" + random.nextInt(6));
      Identifier identifier = pool.get(random.nextInt(pool.size()));
      Commit.Builder commit = Commit.builder();
      switch (random.nextInt(6)) {
        case 0 -> { // create or update a profile
          Profile current = profiles.get(pid);
          long version = current == null ? 0 : current.version();
          Profile next = Profile.builder(pid, T0).version(version + 1).eventCount(random.nextInt(100)).build();
          commit.putProfile(next, version);
          profiles.put(pid, next);
        }
        case 1 -> { // delete a profile, its index entries (if any) left in place
          Profile current = profiles.get(pid);
          if (current == null) {
            continue;
          }
          commit.deleteProfile(pid, current.version());
          profiles.remove(pid);
        }
        case 2 -> { // assign or move an identifier, to an id that may have no profile
          commit.assign(identifier, Optional.ofNullable(index.get(identifier)), pid);
          index.put(identifier, pid);
        }
        case 3 -> { // remove an index entry
          ProfileId owner = index.get(identifier);
          if (owner == null) {
            continue;
          }
          commit.unassign(identifier, owner);
          index.remove(identifier);
          if (random.nextBoolean()) { // and, in the same commit, an event anchored there
            StoredEvent e = new StoredEvent(
                Event.builder("e-" + nextEvent, "pageview", T0).identifier(identifier).build(), identifier);
            nextEvent++;
            commit.append(e);
            events.put(e.event().id(), e);
          }
        }
        case 4 -> { // append an event, sometimes one whose id was erased before
          String id = "e-" + (random.nextInt(4) == 0 && nextEvent > 0 ? random.nextInt(nextEvent) : nextEvent++);
          StoredEvent e = new StoredEvent(
              Event.builder(id, "pageview", T0.plusSeconds(random.nextInt(1000))).identifier(identifier).build(), identifier);
          if (events.containsKey(id)) {
            Commit duplicate = commit.append(e).build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> storage.commit(duplicate))
                .isInstanceOf(CommitConflictException.class);
            continue;
          }
          if (random.nextInt(4) == 0) { // erasures apply before the appends of the same commit
            commit.eraseEvents(identifier);
            events.values().removeIf(stored -> stored.anchor().equals(identifier));
          }
          commit.append(e);
          events.put(id, e);
        }
        default -> { // erase the events of an anchor
          commit.eraseEvents(identifier);
          events.values().removeIf(e -> e.anchor().equals(identifier));
        }
      }
      storage.commit(commit.build());
      assertAgrees(storage, profiles, index, events, pool);
    }
  }

  private static void assertAgrees(
      InMemoryStorage storage,
      Map<ProfileId, Profile> profiles,
      Map<Identifier, ProfileId> index,
      Map<String, StoredEvent> events,
      List<Identifier> pool) {
    for (int i = 0; i < 6; i++) {
      ProfileId id = ProfileId.of("p-" + i);
      assertThat(storage.profile(id)).isEqualTo(Optional.ofNullable(profiles.get(id)));
    }
    assertThat(storage.profileCount()).isEqualTo(profiles.size());
    for (Identifier id : pool) {
      assertThat(storage.owner(id)).as("owner of %s", id).isEqualTo(Optional.ofNullable(index.get(id)));
      assertThat(storage.events(List.of(id)))
          .containsExactlyElementsOf(events.values().stream().filter(e -> e.anchor().equals(id))
              .sorted(StoredEvent.TIMELINE_ORDER).collect(Collectors.toList()));
    }
    List<Identifier> some = pool.subList(0, 5);
    Map<Identifier, ProfileId> owners = new HashMap<>();
    some.forEach(id -> Optional.ofNullable(index.get(id)).ifPresent(o -> owners.put(id, o)));
    assertThat(storage.owners(some)).isEqualTo(owners);
    Map<ProfileId, Profile> owned = new HashMap<>();
    owners.values().forEach(o -> Optional.ofNullable(profiles.get(o)).ifPresent(p -> owned.put(o, p)));
    OwnedProfiles read = storage.ownedProfiles(some);
    assertThat(read.owners()).isEqualTo(owners);
    assertThat(read.profiles()).isEqualTo(owned);
    assertThat(storage.eventCount()).isEqualTo(events.size());
    try (Stream<StoredEvent> all = storage.allEvents()) {
      assertThat(all.collect(Collectors.toList())).containsExactlyInAnyOrderElementsOf(events.values());
    }
    for (int k = 0; k < 8; k++) {
      String id = "e-" + k;
      assertThat(storage.containsEvent(id)).as(id).isEqualTo(events.containsKey(id));
    }
  }
}
