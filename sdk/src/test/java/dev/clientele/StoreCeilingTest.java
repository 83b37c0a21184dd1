package dev.clientele;

import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.StorageException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store's optional ceilings ({@link InMemoryStorage.Builder}), through the facade: an
 * event that would take the store past its ceiling of events or of profiles is refused as on any
 * backend failure (ingest throws the {@link StorageException}, nothing of the event is applied or
 * counted), events within the ceilings still apply, an erasure makes room, and the message names
 * no personal data.
 */
class StoreCeilingTest {
  private static Clientele clientele(InMemoryStorage storage) {
    return Clientele.builder().storage(storage).profileIds(Fixtures.sequentialIds())
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build()).build();
  }

  private static Event pageview(String id, String emailAddress, long minutes) {
    return event(id, "pageview", minutes).identifier(email(emailAddress)).build();
  }

  @Test
  void maxEvents_theEventPastTheCeilingIsRefused_andNothingOfItApplied() {
    InMemoryStorage storage = InMemoryStorage.builder().maxEvents(3).build();
    Clientele c = clientele(storage);
    c.ingest(pageview("e-1", "ann@example.com", 0));
    c.ingest(pageview("e-2", "ann@example.com", 1));
    c.ingest(pageview("e-3", "bob@example.com", 2));
    ProfileId ann = storage.owner(email("ann@example.com")).orElseThrow();
    Profile annBefore = storage.profile(ann).orElseThrow();
    IngestStats statsBefore = c.stats();

    assertThatThrownBy(() -> c.ingest(pageview("e-4", "ann@example.com", 3)))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("ceiling of 3 events")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("ann@example.com").doesNotContain(ann.value()));

    assertThat(storage.profile(ann)).contains(annBefore); // no new version without its event
    assertThat(storage.containsEvent("e-4")).isFalse();
    assertThat(storage.eventCount()).isEqualTo(3);
    // The refused event counts as a storage failure, and as nothing else.
    assertThat(c.stats().details().storageFailures()).isEqualTo(statsBefore.details().storageFailures() + 1);
    assertThat(c.stats()).usingRecursiveComparison().ignoringFields("details").isEqualTo(statsBefore);
    // A new person's event is refused too (its profile is not created), also in a batch.
    assertThatThrownBy(() -> c.ingest(pageview("e-5", "cy@example.com", 4))).isInstanceOf(StorageException.class);
    assertThat(storage.owner(email("cy@example.com"))).isEmpty();
    assertThat(storage.profileCount()).isEqualTo(2);
    assertThatThrownBy(() -> c.ingestAll(List.of(pageview("e-6", "bob@example.com", 5)))).isInstanceOf(StorageException.class);
    // A duplicate needs no room.
    assertThat(c.ingest(pageview("e-1", "ann@example.com", 0)).outcome()).isEqualTo(IngestResult.Outcome.DUPLICATE);
  }

  @Test
  void maxEvents_anErasureMakesRoom() {
    InMemoryStorage storage = InMemoryStorage.builder().maxEvents(2).build();
    Clientele c = clientele(storage);
    c.ingest(pageview("e-1", "ann@example.com", 0));
    c.ingest(pageview("e-2", "bob@example.com", 1));
    assertThatThrownBy(() -> c.ingest(pageview("e-3", "bob@example.com", 2))).isInstanceOf(StorageException.class);

    c.delete(storage.owner(email("ann@example.com")).orElseThrow());

    assertThat(c.ingest(pageview("e-3", "bob@example.com", 2)).outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    assertThat(storage.eventCount()).isEqualTo(2);
  }

  @Test
  void maxProfiles_aNewPersonPastTheCeilingIsRefused_knownPeopleStillIngest() {
    InMemoryStorage storage = InMemoryStorage.builder().maxProfiles(2).build();
    Clientele c = clientele(storage);
    c.ingest(pageview("e-1", "ann@example.com", 0));
    c.ingest(pageview("e-2", "bob@example.com", 1));

    assertThatThrownBy(() -> c.ingest(pageview("e-3", "cy@example.com", 2)))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("ceiling of 2 profiles")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("cy@example.com"));

    assertThat(storage.containsEvent("e-3")).isFalse();
    assertThat(storage.profileCount()).isEqualTo(2);
    assertThat(c.ingest(pageview("e-4", "ann@example.com", 3)).outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    // A merge deletes a profile: room for one more person.
    c.ingest(event("e-5", "identify", 4).identifier(email("ann@example.com")).identifier(email("bob@example.com")).build());
    assertThat(storage.profileCount()).isEqualTo(1);
    assertThat(c.ingest(pageview("e-3", "cy@example.com", 2)).outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
  }

  @Test
  void builder_withoutCeilings_isTheDefaultStore_andRejectsNegativeCeilings() {
    Clientele c = clientele(InMemoryStorage.builder().build());
    for (int i = 0; i < 50; i++) {
      c.ingest(pageview("e-" + i, "p" + i + "@example.com", i));
    }
    assertThat(c.storage().eventCount()).isEqualTo(50);
    assertThatThrownBy(() -> InMemoryStorage.builder().maxEvents(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InMemoryStorage.builder().maxProfiles(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
