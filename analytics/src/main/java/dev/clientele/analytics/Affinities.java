package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Interest scores by category per profile, from its interaction events (see
 * {@link AffinityRules}): each interaction adds its action's weight, halved for every half-life
 * of age at the end of the day asked about. Events after that are ignored. An event naming
 * several categories (or the same one under two keys) adds to each once. Categories are taken
 * as written, after stripping surrounding spaces. Thread-safe.
 *
 * <pre>{@code
 * List<CategoryScore> top = new Affinities(storage, AffinityRules.defaults())
 *     .top(profileId, LocalDate.parse("2026-10-31"), 3);
 * }</pre>
 */
public final class Affinities {
  private static final Comparator<CategoryScore> RANKING =
      Comparator.comparingDouble(CategoryScore::score).reversed().thenComparing(CategoryScore::category);

  private final Storage storage;
  private final AffinityRules rules;

  /** Scores over {@code storage} by {@code rules}. */
  public Affinities(Storage storage, AffinityRules rules) {
    this.storage = requireNonNull(storage, "storage");
    this.rules = requireNonNull(rules, "rules");
  }

  /**
   * Every category of {@code profile} with a score, highest first (ties by category), as of the
   * end of {@code asOf} (UTC).
   *
   * @throws NoSuchElementException if there is no such profile
   */
  public List<CategoryScore> scores(ProfileId profile, LocalDate asOf) {
    requireNonNull(profile, "profile");
    requireNonNull(asOf, "asOf");
    Profile p = storage.profile(profile).orElseThrow(() -> new NoSuchElementException("no profile with id " + profile));
    Instant end = asOf.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    // In seconds from the Duration's parts: toMillis() overflows for a half-life of more than
    // about 292 million years, and is 0 below a millisecond (NaN scores).
    double halfLifeSeconds = seconds(rules.halfLife());
    Map<String, double[]> byCategory = new HashMap<>();
    for (StoredEvent se : storage.events(p.identifiers().stream().map(IdentifierState::identifier).toList())) {
      Event e = se.event();
      if (!e.timestamp().isBefore(end) || !rules.activity().isActive(e)) {
        continue;
      }
      double weight = rules.weight(e.action());
      Set<String> categories = categories(e);
      if (weight == 0 || categories.isEmpty()) {
        continue;
      }
      double ageSeconds = seconds(java.time.Duration.between(e.timestamp(), end));
      double contribution = weight * Math.pow(2, -ageSeconds / halfLifeSeconds);
      for (String c : categories) {
        double[] s = byCategory.computeIfAbsent(c, k -> new double[2]);
        s[0] += contribution;
        s[1]++;
      }
    }
    return byCategory.entrySet().stream()
        .map(en -> new CategoryScore(en.getKey(), en.getValue()[0], (long) en.getValue()[1]))
        .sorted(RANKING)
        .collect(ImmutableList.toImmutableList());
  }

  /**
   * The {@code n} highest-scoring categories of {@code profile} as of the end of {@code asOf}.
   *
   * @throws IllegalArgumentException if {@code n < 1}
   * @throws NoSuchElementException if there is no such profile
   */
  public List<CategoryScore> top(ProfileId profile, LocalDate asOf, int n) {
    checkArgument(n >= 1, "n must be >= 1: %s", n);
    List<CategoryScore> all = scores(profile, asOf);
    return all.subList(0, Math.min(n, all.size()));
  }

  /** {@code d} in seconds, fractions included. */
  private static double seconds(java.time.Duration d) {
    return d.getSeconds() + d.getNano() / 1e9;
  }

  private Set<String> categories(Event e) {
    Set<String> out = new LinkedHashSet<>();
    for (String key : rules.categoryKeys()) {
      Object v = e.data().get(key);
      if (v instanceof String s) {
        add(out, s);
      } else if (v instanceof List<?> list) {
        for (Object o : list) {
          if (o instanceof String s) {
            add(out, s);
          }
        }
      }
    }
    return out;
  }

  private static void add(Set<String> out, String s) {
    String c = s.strip();
    if (!c.isEmpty()) {
      out.add(c);
    }
  }
}
