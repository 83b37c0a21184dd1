package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.Channel;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.StoredEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Profiles over time from history (replayed per day) and from recorded daily snapshots. */
class ProfilesOverTimeTest {
  private final InMemoryStorage storage = new InMemoryStorage();
  private int events;

  private static Identifier email(String local) {
    return Identifier.of(IdentifierType.EMAIL, local + "@example.com");
  }

  /** A profile as it is now, holding {@code identifiers}, created at {@code created}. */
  private void profile(String id, String created, Identifier... identifiers) {
    Instant t = Instant.parse(created);
    Profile.Builder b = Profile.builder(ProfileId.of(id), t).version(1);
    Commit.Builder c = Commit.builder();
    for (Identifier i : identifiers) {
      b.putIdentifier(IdentifierState.firstSeen(i, t, true, "test"));
      c.assign(i, Optional.empty(), ProfileId.of(id));
    }
    storage.commit(c.putProfile(b.build(), 0).build());
  }

  private void event(String typeAndAction, String at, Identifier... identifiers) {
    String[] parts = typeAndAction.split("/", 2);
    Event.Builder b = Event.builder("e-" + ++events, parts[0], Instant.parse(at)).action(parts.length > 1 ? parts[1] : "");
    for (Identifier i : identifiers) {
      b.identifier(i);
    }
    Event e = b.build();
    storage.commit(Commit.builder().append(new StoredEvent(e, identifiers[0])).build());
  }

  private ProfilesOverTime pot() {
    return new ProfilesOverTime(storage, ReachabilityPolicy.defaults(), ActivityRules.defaults());
  }

  @Test
  void history_replaysBouncesAndConsentAsOfEachDay() {
    profile("p-ann", "2026-10-02T09:00:00Z", email("ann"));
    event("pageview", "2026-10-02T09:00:00Z", email("ann"));
    event("reachability/hard_bounce", "2026-10-04T23:59:59Z", email("ann")); // last second of the 4th
    profile("p-bob", "2026-10-03T00:00:00Z", email("bob"));
    event("login/login", "2026-10-03T00:00:00Z", email("bob"));
    event("consent/opt_out", "2026-10-05T00:00:00Z", email("bob")); // first second of the 5th

    List<ProfileCountPoint> email = pot().history(LocalDate.parse("2026-10-01"), LocalDate.parse("2026-10-06"), Optional.of(Channel.EMAIL));

    assertThat(email).extracting(ProfileCountPoint::total).containsExactly(0L, 1L, 2L, 2L, 2L, 2L);
    assertThat(email).extracting(ProfileCountPoint::reachable).containsExactly(0L, 1L, 2L, 1L, 0L, 0L);
    assertThat(email).extracting(ProfileCountPoint::unreachable).containsExactly(0L, 0L, 0L, 1L, 2L, 2L);
  }

  @Test
  void history_lastSeenAddressDecides_andPerChannelAndAnyAgree() {
    profile("p-ann", "2026-10-01T00:00:00Z", email("old"), email("new"), Identifier.of(IdentifierType.PHONE, "+12015550123"));
    event("pageview", "2026-10-01T10:00:00Z", email("old"));
    event("reachability/hard_bounce", "2026-10-01T11:00:00Z", email("old"));
    event("login/login", "2026-10-03T10:00:00Z", email("new"));
    event("consent/opt_in", "2026-10-02T10:00:00Z", Identifier.of(IdentifierType.PHONE, "+12015550123"));

    List<DailyProfileCounts> days = pot().history(LocalDate.parse("2026-10-01"), LocalDate.parse("2026-10-03"));

    // 1st: last-seen email bounced; phone unknown consent (sms needs express consent).
    assertThat(days.get(0).point(Optional.of(Channel.EMAIL)).reachable()).isZero();
    assertThat(days.get(0).point(Optional.empty()).reachable()).isZero();
    // 2nd: the phone opted in.
    assertThat(days.get(1).point(Optional.of(Channel.SMS)).reachable()).isEqualTo(1);
    assertThat(days.get(1).point(Optional.empty()).reachable()).isEqualTo(1);
    // 3rd: the new address is now the last seen and deliverable.
    assertThat(days.get(2).point(Optional.of(Channel.EMAIL)).reachable()).isEqualTo(1);
    assertThat(days.get(2).counts().reachableAny()).isEqualTo(1);
  }

  @Test
  void history_ccpaOptOutBlocksEveryChannelFromItsDay() {
    profile("p-ann", "2026-10-01T00:00:00Z", email("ann"));
    event("pageview", "2026-10-01T10:00:00Z", email("ann"));
    event("compliance/ccpa_opt_out", "2026-10-02T10:00:00Z", email("ann"));

    List<ProfileCountPoint> any = pot().history(LocalDate.parse("2026-10-01"), LocalDate.parse("2026-10-02"), Optional.empty());

    assertThat(any).extracting(ProfileCountPoint::reachable).containsExactly(1L, 0L);
  }

  @Test
  void record_storesTodaysCountsUnderTheDay_andReplacesARerun() {
    profile("p-ann", "2026-10-01T00:00:00Z", email("ann"));
    event("pageview", "2026-10-01T10:00:00Z", email("ann"));
    ProfileCountStore store = new InMemoryProfileCountStore();

    pot().record(LocalDate.parse("2026-10-01"), store);
    profile("p-bob", "2026-10-02T00:00:00Z", email("bob"));
    pot().record(LocalDate.parse("2026-10-02"), store);
    pot().record(LocalDate.parse("2026-10-02"), store);

    List<DailyProfileCounts> recorded = store.range(LocalDate.parse("2026-09-01"), LocalDate.parse("2026-10-31"));
    assertThat(recorded).extracting(DailyProfileCounts::date).containsExactly(LocalDate.parse("2026-10-01"), LocalDate.parse("2026-10-02"));
    assertThat(recorded).extracting(DailyProfileCounts::total).containsExactly(1L, 2L);
    assertThat(store.get(LocalDate.parse("2026-10-03"))).isEmpty();
    // Recorded today and recomputed from history agree for today.
    assertThat(pot().history(LocalDate.parse("2026-10-02"), LocalDate.parse("2026-10-02")).get(0)).isEqualTo(recorded.get(1));
  }

  @Test
  void history_badRange_refused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> pot().history(LocalDate.parse("2026-10-02"), LocalDate.parse("2026-10-01")))
        .withMessage("to must not be before from: 2026-10-01 < 2026-10-02");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> pot().history(LocalDate.parse("2000-01-01"), LocalDate.parse("2026-10-01")))
        .withMessageStartingWith("range must be at most 3660 days");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new InMemoryProfileCountStore().range(LocalDate.parse("2026-10-02"), LocalDate.parse("2026-10-01")))
        .withMessageContaining("to must not be before from");
  }
}
