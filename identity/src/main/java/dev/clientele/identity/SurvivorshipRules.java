package dev.clientele.identity;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import dev.clientele.core.Attribute;
import dev.clientele.core.Pii;
import dev.clientele.core.Profile;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * How a merge combines profiles: which id survives, and how each attribute's conflicting values
 * resolve. Every choice is deterministic and does not depend on the order of the profiles
 * merged, with one exception: a {@link AttributeMerge#SUM} whose result exceeds what an attribute
 * may hold keeps the later value, and then depends on how the merges group.
 *
 * <p>Arrival order: {@link AttributeMerge#LATEST}, {@link AttributeMerge#OLDEST} and {@link
 * AttributeMerge#FIRST_NON_EMPTY} also decide which observation one profile keeps as its events
 * arrive, so an attribute under them does not depend on the order events arrive in. {@link
 * AttributeMerge#SUM} and {@link AttributeMerge#UNION} combine the values of different profiles
 * when they merge; each profile keeps its latest observation until then (a running total reported
 * twice must not count twice), so an attribute under them depends on which events each side had
 * received when they merged. The {@code last_device} attribute keeps {@code LATEST} whatever the
 * default, unless it is given a strategy of its own.
 *
 * <pre>{@code
 * SurvivorshipRules rules = SurvivorshipRules.builder()
 *     .survivor(SurvivorshipRules.Survivor.OLDEST)
 *     .attribute("loyalty_points", SurvivorshipRules.AttributeMerge.SUM)
 *     .attribute("interests", SurvivorshipRules.AttributeMerge.UNION)
 *     .build();
 * }</pre>
 */
public final class SurvivorshipRules {
  /** Most recently updated profile survives; every attribute: most recently observed wins. */
  public static final SurvivorshipRules DEFAULTS = builder().build();

  /** Which profile's id survives a merge; ties go to the smallest id. */
  public enum Survivor {
    /** The profile with the latest {@code updatedAt} (the default). */
    MOST_RECENTLY_UPDATED(Comparator.comparing(Profile::updatedAt).reversed()),
    /** The profile created first ({@code createdAt}). */
    OLDEST(Comparator.comparing(Profile::createdAt)),
    /** The profile with the most events. */
    MOST_EVENTS(Comparator.comparingLong(Profile::eventCount).reversed());

    private final Comparator<Profile> order;

    Survivor(Comparator<Profile> preference) {
      this.order = preference.thenComparing(Profile::id);
    }

    /** The order in which profiles are preferred: the first survives. */
    public Comparator<Profile> order() {
      return order;
    }
  }

  /**
   * How two values of one attribute combine in a merge; the first three also decide among one
   * profile's observations (see the class comment).
   */
  public enum AttributeMerge {
    /** The most recently observed value wins ({@link Attribute#OBSERVATION_ORDER}); the default. */
    LATEST,
    /** The earliest observed value wins, in a merge and among one profile's observations. */
    OLDEST,
    /**
     * The earliest observed non-empty value wins (an empty string or list only if nothing else is
     * known), in a merge and among one profile's observations.
     */
    FIRST_NON_EMPTY,
    /**
     * Numbers are added (whole numbers stay whole; any decimal makes the sum decimal); a side
     * whose value is not a number loses to the other, and two non-numbers fall back to {@link #LATEST}.
     * A sum beyond what an attribute may hold keeps the later value instead (then, and only then,
     * the result depends on how the merges group).
     */
    SUM,
    /** Lists (a single value counts as a one-element list) are united, without duplicates, in value order. */
    UNION
  }

  private final Survivor survivor;
  private final AttributeMerge defaultMerge;
  private final ImmutableMap<String, AttributeMerge> attributes;

  private SurvivorshipRules(Builder b) {
    this.survivor = b.survivor;
    this.defaultMerge = b.defaultMerge;
    this.attributes = ImmutableMap.copyOf(b.attributes);
  }

  /** Starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Which profile's id survives. */
  public Survivor survivor() {
    return survivor;
  }

  /** The strategy for attributes without their own. */
  public AttributeMerge defaultAttributeMerge() {
    return defaultMerge;
  }

  /**
   * The strategy for the attribute {@code name}: its own, else the default, except that
   * {@link Attribute#LAST_DEVICE} is {@link AttributeMerge#LATEST} unless it has its own (the last
   * device used is the latest by definition, whatever the default for other attributes).
   */
  public AttributeMerge attributeMerge(String name) {
    AttributeMerge own = attributes.get(requireNonNull(name, "name"));
    if (own != null) {
      return own;
    }
    return name.equals(Attribute.LAST_DEVICE) ? AttributeMerge.LATEST : defaultMerge;
  }

  /** Strategies set per attribute name: an unmodifiable map. */
  public Map<String, AttributeMerge> attributeMerges() {
    return attributes;
  }

  @Override
  public String toString() {
    return "SurvivorshipRules{survivor=" + survivor + ", default=" + defaultMerge + ", attributes=" + attributes + "}";
  }

  /** Builds {@link SurvivorshipRules}; each setting at most once. */
  public static final class Builder {
    private Survivor survivor = Survivor.MOST_RECENTLY_UPDATED;
    private boolean survivorSet;
    private AttributeMerge defaultMerge = AttributeMerge.LATEST;
    private boolean defaultSet;
    private final Map<String, AttributeMerge> attributes = new HashMap<>();

    private Builder() {}

    /** Sets which profile's id survives (default {@link Survivor#MOST_RECENTLY_UPDATED}). */
    public Builder survivor(Survivor value) {
      checkState(!survivorSet, "survivor was already set to %s", survivor);
      survivor = requireNonNull(value, "survivor");
      survivorSet = true;
      return this;
    }

    /**
     * Sets the strategy for attributes without their own (default {@link AttributeMerge#LATEST});
     * {@link Attribute#LAST_DEVICE} keeps {@code LATEST} unless {@link #attribute} sets it.
     */
    public Builder defaultAttributeMerge(AttributeMerge value) {
      checkState(!defaultSet, "default attribute merge was already set to %s", defaultMerge);
      defaultMerge = requireNonNull(value, "defaultAttributeMerge");
      defaultSet = true;
      return this;
    }

    /**
     * Sets the strategy for one attribute.
     *
     * @throws IllegalArgumentException if {@code name} is not a valid attribute name
     * @throws IllegalStateException if this attribute already has a strategy
     */
    public Builder attribute(String name, AttributeMerge strategy) {
      requireNonNull(name, "name");
      requireNonNull(strategy, "strategy");
      checkArgument(name.matches("[a-z][a-z0-9_]{0,63}"), "attribute name must match [a-z][a-z0-9_]{0,63}: %s", Pii.mask(name));
      checkState(!attributes.containsKey(name), "attribute %s already has strategy %s", name, attributes.get(name));
      attributes.put(name, strategy);
      return this;
    }

    /** Builds the rules. */
    public SurvivorshipRules build() {
      return new SurvivorshipRules(this);
    }
  }
}
