package dev.clientele.analytics;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.ActivityRules;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Counts monthly active users (exact). Thread-safe; each call scans the stored events once.
 *
 * <p>An event counts for the profile that owns its anchor identifier <em>now</em>, so a visitor
 * who browsed anonymously and identified later counts once, as identified.
 *
 * <pre>{@code
 * MauCount m = new ActiveUsers(storage, ActivityRules.defaults()).mau(LocalDate.parse("2026-10-31"));
 * }</pre>
 */
public final class ActiveUsers {
  private final Storage storage;
  private final ActivityRules rules;

  /** Counts over {@code storage}, with {@code rules} deciding which events are active. */
  public ActiveUsers(Storage storage, ActivityRules rules) {
    this.storage = requireNonNull(storage, "storage");
    this.rules = requireNonNull(rules, "rules");
  }

  /** MAU as of the end of {@code day} (UTC): active events from the first of its month. */
  public MauCount mau(LocalDate day) {
    requireNonNull(day, "day");
    YearMonth month = YearMonth.from(day);
    Instant from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Set<ProfileId> active = new HashSet<>();
    try (Stream<StoredEvent> events = storage.allEvents()) {
      events.forEach(e -> {
        Instant t = e.event().timestamp();
        if (!t.isBefore(from) && t.isBefore(to) && rules.isActive(e.event())) {
          storage.owner(e.anchor()).ifPresent(active::add);
        }
      });
    }
    long anonymous = 0;
    for (ProfileId id : active) {
      Optional<Profile> p = storage.profile(id);
      if (p.isPresent() && p.get().isAnonymous()) {
        anonymous++;
      }
    }
    return new MauCount(day, month, active.size(), active.size() - anonymous, anonymous);
  }
}
