package dev.clientele.analytics;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.ActivityRules;
import dev.clientele.core.spi.Storage;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;

/**
 * Counts monthly active users (exact) over a store. Thread-safe; each call builds an
 * {@link ActivityIndex} from the current state (one pass over the events and one over the
 * profiles) and queries it, so every answer reflects all ingestion and merges so far. To ask
 * many questions of one state, build the index once with {@link #index()}.
 *
 * <p>An event counts for the profile that owns its anchor identifier <em>now</em>, so a visitor
 * who browsed anonymously and identified later counts once, as identified; a profile that was
 * merged away is never counted.
 *
 * <pre>{@code
 * ActiveUsers users = new ActiveUsers(storage, ActivityRules.defaults());
 * MauCount m = users.mau(LocalDate.parse("2026-10-31"));
 * List<MauCount> trend = users.trend(LocalDate.parse("2026-10-01"), LocalDate.parse("2026-10-31"));
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

  /** A fresh index of the store's current state. */
  public ActivityIndex index() {
    return ActivityIndex.build(storage, rules);
  }

  /** MAU as of the end of {@code day} (UTC): active events from the first of its month. */
  public MauCount mau(LocalDate day) {
    requireNonNull(day, "day");
    return index().mau(day);
  }

  /**
   * Trended MAU: the month-to-date count of every day from {@code from} through {@code to}.
   *
   * @throws IllegalArgumentException if {@code to} is before {@code from}
   */
  public List<MauCount> trend(LocalDate from, LocalDate to) {
    requireNonNull(from, "from");
    requireNonNull(to, "to");
    return index().trend(from, to);
  }

  /**
   * Monthly history: the MAU of the last day of each month from {@code from} through {@code to}.
   *
   * @throws IllegalArgumentException if {@code to} is before {@code from}
   */
  public List<MauCount> monthly(YearMonth from, YearMonth to) {
    requireNonNull(from, "from");
    requireNonNull(to, "to");
    return index().monthly(from, to);
  }
}
