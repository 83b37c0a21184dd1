package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.clientele.core.ProfileId;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Bug hunt on analytics option objects and builders: reuse after build, documented defaults. */
class AnalyticsConfigHuntTest {
  /**
   * "The builder cannot be used afterwards": adding a profile or an event after build() is refused
   * with an IllegalStateException (it was accepted for profiles and an ArrayIndexOutOfBounds for
   * events), and the built index is unchanged.
   */
  @Test
  void activityIndexBuilder_useAfterBuild_isRefused() {
    ActivityIndex.Builder b = ActivityIndex.builder();
    int ann = b.profile(ProfileId.of("p-1"), false);
    b.activeEvent(ann, Instant.parse("2026-10-03T14:05:00Z"));
    ActivityIndex index = b.build();

    assertThatIllegalStateException().isThrownBy(() -> b.activeEvent(ann, Instant.parse("2026-10-04T00:00:00Z")))
        .withMessageContaining("build()");
    assertThatIllegalStateException().isThrownBy(() -> b.profile(ProfileId.of("p-2"), true))
        .withMessageContaining("build()");
    assertThat(index.profileCount()).isEqualTo(1);
    assertThat(index.eventCount()).isEqualTo(1);
  }

  /** The defaults the Javadoc and DESIGN.md state. */
  @Test
  void defaults_areTheDocumentedOnes() {
    assertThat(ActivityThresholds.defaults()).isEqualTo(new ActivityThresholds("login", 7, 2, 30, 2, 3));
    assertThat(EngagementThresholds.defaults()).isEqualTo(new EngagementThresholds(30, 7, 8, 30, 2));
    AffinityRules a = AffinityRules.defaults();
    assertThat(a.categoryKeys()).containsExactly("category", "topic");
    assertThat(a.weight("view")).isEqualTo(1.0);
    assertThat(a.weight("click")).isEqualTo(2.0);
    assertThat(a.weight("add_to_cart")).isEqualTo(3.0);
    assertThat(a.weight("purchase")).isEqualTo(5.0);
    assertThat(a.weight("anything_else")).isEqualTo(1.0);
    assertThat(a.halfLife()).isEqualTo(java.time.Duration.ofDays(30));
    assertThat(Eligibility.Rules.DEFAULTS).isEqualTo(new Eligibility.Rules(500, 180, 90, 1));
  }
}
