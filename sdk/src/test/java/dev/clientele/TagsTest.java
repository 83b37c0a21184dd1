package dev.clientele;

import static dev.clientele.Fixtures.anonymousId;
import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TagsTest {
  private final Clientele clientele = Fixtures.clientele();

  @AfterEach
  void close() {
    clientele.close();
  }

  private ProfileId ann() {
    return clientele.ingest(event("e-1", "login", 0).identifier(customerId("c-1")).build()).profile().orElseThrow();
  }

  @Test
  void tag_storesTheTagAndReturnsTheStoredProfile() {
    ProfileId id = ann();
    long version = clientele.profile(id).orElseThrow().version();

    Profile tagged = clientele.tag(id, "favourite");

    assertThat(tagged.tags()).containsExactly("favourite");
    assertThat(tagged.version()).isEqualTo(version + 1);
    assertThat(clientele.profile(id)).contains(tagged);
  }

  @Test
  void tag_twice_keepsOneTag() {
    ProfileId id = ann();

    clientele.tag(id, "favourite");
    clientele.tag(id, "favourite");

    assertThat(clientele.profile(id).orElseThrow().tags()).containsExactly("favourite");
  }

  @Test
  void untag_removesOnlyThatTag() {
    ProfileId id = ann();
    clientele.tag(id, "favourite");
    clientele.tag(id, "vip");

    Profile p = clientele.untag(id, "favourite");

    assertThat(p.tags()).containsExactly("vip");
    assertThat(clientele.untag(id, "never-set").tags()).containsExactly("vip");
  }

  @Test
  void tag_survivesLaterIngestAndMerge() {
    ProfileId id = ann();
    clientele.tag(id, "favourite");
    ProfileId visitor = clientele.ingest(event("e-2", "pageview", 5).identifier(anonymousId("a-1")).build())
        .profile().orElseThrow();
    clientele.tag(visitor, "seen-ad");

    IngestResult r = clientele.ingest(event("e-3", "login", 10).identifier(customerId("c-1")).identifier(anonymousId("a-1")).build());

    Profile merged = clientele.profile(r.profile().orElseThrow()).orElseThrow();
    assertThat(merged.tags()).containsExactly("favourite", "seen-ad");
    assertThat(merged.eventCount()).isEqualTo(3);
  }

  @Test
  void tag_badArguments_refused() {
    ProfileId id = ann();

    assertThatNullPointerException().isThrownBy(() -> clientele.tag(id, null)).withMessage("tag");
    assertThatNullPointerException().isThrownBy(() -> clientele.tag(null, "x")).withMessage("id");
    assertThatIllegalArgumentException().isThrownBy(() -> clientele.tag(id, " "));
    assertThatIllegalArgumentException().isThrownBy(() -> clientele.tag(id, "x".repeat(65)));
    assertThatThrownBy(() -> clientele.tag(ProfileId.of("p-9999"), "x"))
        .isInstanceOf(NoSuchElementException.class).hasMessageContaining("p-9999");
    assertThatThrownBy(() -> clientele.untag(ProfileId.of("p-9999"), "x")).isInstanceOf(NoSuchElementException.class);
    assertThat(clientele.profile(id).orElseThrow().tags()).isEmpty();
  }
}
