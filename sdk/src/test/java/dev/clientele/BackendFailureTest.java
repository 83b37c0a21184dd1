package dev.clientele;

import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static dev.clientele.Fixtures.partition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A backend that fails in the middle of a merge leaves the state from before it; a retry completes it. */
class BackendFailureTest {
  /** Fails the next commit that deletes a profile (a merge or an erasure), before applying any of it. */
  static final class FailingStorage extends ForwardingStorage {
    volatile boolean failNextMerge;

    FailingStorage() {
      super(new InMemoryStorage());
    }

    @Override
    public void commit(Commit commit) {
      if (failNextMerge && !commit.profileDeletes().isEmpty()) {
        failNextMerge = false;
        throw new StorageException("connection reset while committing");
      }
      super.commit(commit);
    }
  }

  private static Clientele clientele(FailingStorage storage) {
    return Clientele.builder().storage(storage).profileIds(Fixtures.sequentialIds())
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build()).build();
  }

  @Test
  void ingest_backendFailsMidMerge_stateBeforeTheMergeStays_andARetryMerges() {
    FailingStorage storage = new FailingStorage();
    Clientele c = clientele(storage);
    c.ingest(event("e-1", "pageview", 0).identifier(email("ann@example.com")).build());
    c.ingest(event("e-2", "pageview", 1).identifier(customerId("c-1")).build());
    Set<Set<Identifier>> before = partition(c);
    List<Profile> profilesBefore = new ArrayList<>();
    storage.forEachProfile(profilesBefore::add);
    Event glue = event("e-3", "identify", 2).identifier(email("ann@example.com")).identifier(customerId("c-1"))
        .data("first_name", "Ann").build();

    storage.failNextMerge = true;
    assertThatThrownBy(() -> c.ingest(glue)).isInstanceOf(StorageException.class);

    assertThat(partition(c)).isEqualTo(before);
    List<Profile> profilesAfter = new ArrayList<>();
    storage.forEachProfile(profilesAfter::add);
    assertThat(profilesAfter).isEqualTo(profilesBefore);
    assertThat(storage.containsEvent("e-3")).isFalse();
    assertThat(storage.eventCount()).isEqualTo(2);
    List<Object> log = new ArrayList<>();
    storage.forEachMergeRecord(log::add);
    assertThat(log).isEmpty();

    IngestResult retry = c.ingest(glue);

    assertThat(retry.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    assertThat(retry.mergedProfiles()).hasSize(1);
    assertThat(partition(c)).containsExactly(Set.of(email("ann@example.com"), customerId("c-1")));
    assertThat(storage.eventCount()).isEqualTo(3);
    storage.forEachMergeRecord(log::add);
    assertThat(log).hasSize(1);
  }
}
