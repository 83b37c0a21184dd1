package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.clientele.core.ActivityRules;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How interest scores are computed: which data keys name categories, how much each action
 * weighs, and how fast interest fades.
 *
 * <p>Defaults: categories from {@code data.category} and {@code data.topic} (a string or a list
 * of strings); weights by action {@code view} 1, {@code click} 2, {@code add_to_cart} 3,
 * {@code purchase} 5, any other action 1; a half-life of 30 days; only active events
 * ({@link ActivityRules#defaults()}) count, so a campaign that was only sent says nothing about
 * interest.
 *
 * <pre>{@code
 * AffinityRules rules = AffinityRules.builder().halfLife(Duration.ofDays(14)).weight("purchase", 10).build();
 * }</pre>
 */
public final class AffinityRules {
  private static final AffinityRules DEFAULTS = builder().build();

  private final List<String> categoryKeys;
  private final Map<String, Double> weights;
  private final double defaultWeight;
  private final Duration halfLife;
  private final ActivityRules activity;

  private AffinityRules(Builder b) {
    this.categoryKeys = ImmutableList.copyOf(b.categoryKeys);
    this.weights = ImmutableMap.copyOf(b.weights);
    this.defaultWeight = b.defaultWeight;
    this.halfLife = b.halfLife;
    this.activity = b.activity;
  }

  /** The defaults described above. */
  public static AffinityRules defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The data keys that name an event's categories, in order. */
  public List<String> categoryKeys() {
    return categoryKeys;
  }

  /** The weight of an event with this action. */
  public double weight(String action) {
    return weights.getOrDefault(requireNonNull(action, "action"), defaultWeight);
  }

  /** How long until an interaction counts half. */
  public Duration halfLife() {
    return halfLife;
  }

  /** Which events are interactions at all. */
  public ActivityRules activity() {
    return activity;
  }

  @Override
  public String toString() {
    return "AffinityRules{categoryKeys=" + categoryKeys + ", weights=" + weights + ", defaultWeight=" + defaultWeight
        + ", halfLife=" + halfLife + "}";
  }

  /** Builds {@link AffinityRules}; each setting may be set once. Not thread-safe. */
  public static final class Builder {
    private List<String> categoryKeys = List.of("category", "topic");
    private final Map<String, Double> weights = new LinkedHashMap<>(Map.of("view", 1.0, "click", 2.0, "add_to_cart", 3.0, "purchase", 5.0));
    private double defaultWeight = 1.0;
    private Duration halfLife = Duration.ofDays(30);
    private ActivityRules activity = ActivityRules.defaults();
    /** The actions given a weight with {@link #weight}. */
    private final java.util.Set<String> weightsSet = new java.util.HashSet<>();
    private boolean keysSet;
    private boolean defaultWeightSet;
    private boolean halfLifeSet;
    private boolean activitySet;

    private Builder() {}

    /** The data keys naming categories (default {@code category}, {@code topic}). */
    public Builder categoryKeys(List<String> keys) {
      checkState(!keysSet, "categoryKeys was already set to %s", categoryKeys);
      requireNonNull(keys, "keys");
      checkArgument(!keys.isEmpty(), "categoryKeys must not be empty");
      keys.forEach(k -> checkArgument(!requireNonNull(k, "key").isBlank(), "category key must not be blank"));
      categoryKeys = List.copyOf(keys);
      keysSet = true;
      return this;
    }

    /**
     * The weight of {@code action} (0 ignores it), replacing its default if it has one; the empty
     * action is that of events without one.
     *
     * @throws IllegalArgumentException if {@code weight} is negative or not finite, or {@code
     *     action} is neither empty nor an event action (1 to 64 of {@code [A-Za-z0-9_.:-]}): no
     *     event could have it
     * @throws IllegalStateException if a weight was already set for {@code action}
     */
    public Builder weight(String action, double weight) {
      requireNonNull(action, "action");
      checkArgument(action.isEmpty() || ActivityThresholds.isEventType(action),
          "action must be empty or 1 to 64 of [A-Za-z0-9_.:-]: %s", dev.clientele.core.Pii.mask(action));
      checkArgument(Double.isFinite(weight) && weight >= 0, "weight must be finite and >= 0: %s", weight);
      checkState(!weightsSet.contains(action), "weight of %s was already set to %s", action, weights.get(action));
      weights.put(action, weight);
      weightsSet.add(action);
      return this;
    }

    /** The weight of actions without their own (default 1). */
    public Builder defaultWeight(double weight) {
      checkState(!defaultWeightSet, "defaultWeight was already set to %s", defaultWeight);
      checkArgument(Double.isFinite(weight) && weight >= 0, "defaultWeight must be finite and >= 0: %s", weight);
      defaultWeight = weight;
      defaultWeightSet = true;
      return this;
    }

    /** The half-life of interest (default 30 days). */
    public Builder halfLife(Duration value) {
      checkState(!halfLifeSet, "halfLife was already set to %s", halfLife);
      requireNonNull(value, "halfLife");
      checkArgument(!value.isNegative() && !value.isZero(), "halfLife must be positive: %s", value);
      halfLife = value;
      halfLifeSet = true;
      return this;
    }

    /** Which events count as interactions (default: the active events of {@link ActivityRules#defaults()}). */
    public Builder activity(ActivityRules value) {
      checkState(!activitySet, "activity was already set");
      activity = requireNonNull(value, "activity");
      activitySet = true;
      return this;
    }

    /** Builds the rules. */
    public AffinityRules build() {
      return new AffinityRules(this);
    }
  }
}
