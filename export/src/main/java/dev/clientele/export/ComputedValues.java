package dev.clientele.export;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Channel;
import dev.clientele.core.Profile;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Per-profile values that the export module cannot compute itself because they live in other
 * modules (reachability in {@code consent}; activity status and CLV in {@code analytics}), or in
 * the host: the caller computes them for each profile as it is exported, and columns read them
 * by name from the {@link ProfileRow}. {@code Clientele.exportProfiles} fills the
 * {@linkplain #reachableName reachability} values this way.
 *
 * <p>Values are plain: {@code String}, {@code Boolean}, a {@code Number}, a time, a list or map
 * of those; absent ones are left out of the map. Implementations must be safe to call from the
 * exporting thread and cheap enough to run once per profile; {@link #values} is called once per
 * profile read, before filtering.
 *
 * <pre>{@code
 * ComputedValues reach = ComputedValues.of(List.of("reachable_email"),
 *     p -> Map.of("reachable_email", evaluator.isReachable(p, Channel.EMAIL)));
 * }</pre>
 */
public interface ComputedValues {
  /** No computed values. */
  ComputedValues NONE = of(List.of(), p -> Map.of());

  /** The name of the activity status value ({@code very_active}, {@code active}, {@code occasional}, {@code sleeper}). */
  String ACTIVITY_STATUS = "activity_status";
  /** The name of the predicted CLV value (expected value of the next 365 days). */
  String PREDICTED_CLV = "predicted_clv";
  /** The name of the total CLV value (historic plus predicted). */
  String TOTAL_CLV = "total_clv";
  /** The name of the churn risk band ({@code low}, {@code medium}, {@code high}). */
  String CHURN_RISK = "churn_risk";
  /** The name of the probability that the customer is still active ("alive"). */
  String PROBABILITY_ALIVE = "p_alive";
  /** The name of the engagement level ({@code high}, {@code medium}, {@code low}). */
  String ENGAGEMENT = "engagement";

  /** The names of the values this supplier may give, in the order their columns should appear. */
  List<String> names();

  /** The values for one profile by name; names it cannot fill are left out. */
  Map<String, ?> values(Profile profile);

  /** The name of the value that says whether a profile is reachable on {@code channel}: {@code reachable_email}, … */
  static String reachableName(Channel channel) {
    return "reachable_" + requireNonNull(channel, "channel").key();
  }

  /**
   * Computed values from a function.
   *
   * @param names the names {@code values} may give
   * @param values computes the values of one profile
   */
  static ComputedValues of(List<String> names, Function<? super Profile, ? extends Map<String, ?>> values) {
    ImmutableList<String> copy = ImmutableList.copyOf(requireNonNull(names, "names"));
    requireNonNull(values, "values");
    return new ComputedValues() {
      @Override
      public List<String> names() {
        return copy;
      }

      @Override
      public Map<String, ?> values(Profile profile) {
        return values.apply(profile);
      }
    };
  }

  /** These values followed by {@code other}'s (a name in both takes this one's value). */
  default ComputedValues and(ComputedValues other) {
    requireNonNull(other, "other");
    ComputedValues self = this;
    ImmutableList<String> names = ImmutableList.<String>builder().addAll(self.names())
        .addAll(other.names().stream().filter(n -> !self.names().contains(n)).toList()).build();
    return of(names, p -> {
      Map<String, ?> a = self.values(p);
      Map<String, ?> b = other.values(p);
      if (b.isEmpty()) {
        return a;
      }
      if (a.isEmpty()) {
        return b;
      }
      Map<String, Object> both = new java.util.HashMap<>(b);
      both.putAll(a);
      return both;
    });
  }
}
