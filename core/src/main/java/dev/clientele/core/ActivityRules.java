package dev.clientele.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSet;
import java.util.Set;

/**
 * Which events are <em>active</em>, that is customer-initiated.
 *
 * <p>Active events move an identifier's last-seen time and a profile's first/last-active times,
 * and are what monthly active users count. By default every event is active except marketing
 * consent ({@code consent}), reachability ({@code reachability}), list subscription
 * ({@code list}), compliance ({@code compliance}), customer discovery ({@code discovery}) and
 * {@code campaign}/{@code sent}.
 *
 * <pre>{@code
 * ActivityRules rules = ActivityRules.defaults().withInactive("campaign", "delivered");
 * }</pre>
 *
 * @param inactiveTypes event types that are never active, whatever the action
 * @param inactiveActions {@code type/action} pairs that are not active
 */
public record ActivityRules(Set<String> inactiveTypes, Set<String> inactiveActions) {
  private static final ActivityRules DEFAULTS =
      new ActivityRules(
          Set.of("consent", "reachability", "list", "compliance", "discovery"), Set.of("campaign/sent"));

  /**
   * Validates and copies the sets.
   *
   * @throws IllegalArgumentException if a type is not an event type (1 to 64 of {@code
   *     [A-Za-z0-9_.:-]}, as {@link Event} requires), or a pair is not such a type, {@code /} and
   *     such an action: no event could match it, so the setting would have no effect
   * @throws NullPointerException if a set or an element is null
   */
  public ActivityRules {
    inactiveTypes = ImmutableSet.copyOf(requireNonNull(inactiveTypes, "inactiveTypes"));
    inactiveActions = ImmutableSet.copyOf(requireNonNull(inactiveActions, "inactiveActions"));
    for (String type : inactiveTypes) {
      checkType(type);
    }
    for (String pair : inactiveActions) {
      int slash = pair.indexOf('/');
      checkArgument(slash > 0 && Names.isEventName(pair.substring(0, slash)) && Names.isEventName(pair.substring(slash + 1)),
          "inactive action must be type/action, each 1 to 64 of [A-Za-z0-9_.:-]: %s", Pii.mask(pair));
    }
  }

  /** {@code type} if it is an event type, else an exception naming it (masked). */
  private static String checkType(String type) {
    requireNonNull(type, "type");
    checkArgument(Names.isEventName(type), "event type must be 1 to 64 of [A-Za-z0-9_.:-]: %s", Pii.mask(type));
    return type;
  }

  /** {@code action} if it is a non-empty event action, else an exception naming it (masked). */
  private static String checkAction(String action) {
    requireNonNull(action, "action");
    checkArgument(Names.isEventName(action),
        "inactive action must be type/action, each 1 to 64 of [A-Za-z0-9_.:-]: action %s", Pii.mask(action));
    return action;
  }

  /** The defaults of the design: see the class comment. */
  public static ActivityRules defaults() {
    return DEFAULTS;
  }

  /**
   * A copy in which every event of {@code type} is inactive.
   *
   * @throws IllegalArgumentException if {@code type} is not an event type (see the constructor)
   */
  public ActivityRules withInactiveType(String type) {
    return new ActivityRules(ImmutableSet.<String>builder().addAll(inactiveTypes).add(checkType(type)).build(), inactiveActions);
  }

  /**
   * A copy in which {@code type}/{@code action} events are inactive.
   *
   * @throws IllegalArgumentException if either is not an event type or action (see the constructor)
   */
  public ActivityRules withInactive(String type, String action) {
    requireNonNull(type, "type");
    checkAction(action);
    return new ActivityRules(
        inactiveTypes, ImmutableSet.<String>builder().addAll(inactiveActions).add(type + "/" + action).build());
  }

  /**
   * A copy in which {@code type}/{@code action} events are active again (e.g. to count
   * {@code campaign}/{@code sent}). A type made inactive as a whole stays inactive.
   *
   * @throws IllegalArgumentException if either is not an event type or action (see the constructor)
   */
  public ActivityRules withActive(String type, String action) {
    checkType(type);
    checkAction(action);
    String pair = type + "/" + action;
    return new ActivityRules(
        inactiveTypes, inactiveActions.stream().filter(p -> !p.equals(pair)).collect(ImmutableSet.toImmutableSet()));
  }

  /**
   * A copy in which {@code type} events are active again (and all of their actions).
   *
   * @throws IllegalArgumentException if {@code type} is not an event type (see the constructor)
   */
  public ActivityRules withActiveType(String type) {
    checkType(type);
    return new ActivityRules(
        inactiveTypes.stream().filter(t -> !t.equals(type)).collect(ImmutableSet.toImmutableSet()),
        inactiveActions.stream().filter(p -> !p.startsWith(type + "/")).collect(ImmutableSet.toImmutableSet()));
  }

  /** Whether {@code event} is active. */
  public boolean isActive(Event event) {
    requireNonNull(event, "event");
    return isActive(event.type(), event.action());
  }

  /** Whether an event of this type and action is active. */
  public boolean isActive(String type, String action) {
    requireNonNull(type, "type");
    requireNonNull(action, "action");
    if (inactiveTypes.contains(type)) {
      return false;
    }
    if (inactiveActions.size() > 8) {
      return !inactiveActions.contains(type + "/" + action);
    }
    // A few pairs (one by default): compare in place rather than build "type/action" per event.
    for (String pair : inactiveActions) {
      if (pair.length() == type.length() + 1 + action.length()
          && pair.startsWith(type) && pair.charAt(type.length()) == '/' && pair.endsWith(action)) {
        return false;
      }
    }
    return true;
  }
}
