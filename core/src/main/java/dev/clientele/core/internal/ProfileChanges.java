package dev.clientele.core.internal;

import dev.clientele.core.Attribute;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Profile;
import dev.clientele.core.RevenueRules;
import dev.clientele.core.UndeliverableReason;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * Applies an event's activity, identifiers, attributes and orders to a profile under
 * construction. Not API: used by the ingest pipeline; may change without notice.
 *
 * <p>Every rule here is order-independent: applying the same events in any order gives the
 * same profile (times widen by min/max, attributes resolve by {@link Attribute#OBSERVATION_ORDER}
 * or by the attribute's own preference, a total order too, orders add up), with one exception:
 * once a profile holds {@link Profile#MAX_ATTRIBUTES}
 * attributes, which further names are refused depends on the order the events arrive in (the
 * first names to arrive are kept), as with identifier limits.
 */
public final class ProfileChanges {
  /** The event type whose data sets attributes. */
  public static final String IDENTIFY = "identify";
  /** The event-data key naming the device used; kept as the {@code last_device} attribute. */
  public static final String DEVICE = "device";
  /** The event type that carries an order. */
  public static final String ORDER = "order";

  private ProfileChanges() {}

  /**
   * Applies {@code event} to {@code profile}.
   *
   * @param profile the profile being built
   * @param event the event, identifiers normalised
   * @param attach the identifiers to attach to the profile (normalised, not blocked)
   * @param malformed the event's identifiers that failed validation: those in {@code attach} are
   *     kept and marked undeliverable (a short list: looked up by scanning)
   * @param active whether the event is active
   * @param revenue how an order's total becomes revenue
   * @param preference which of two observations of an attribute to keep, the one it ranks
   *     greater: for each attribute name, the comparator to use, or null for the latest
   *     observation ({@link Attribute#OBSERVATION_ORDER}); a null {@code preference} keeps the
   *     latest observation of every attribute. Each comparator must be a total order (two
   *     observations equal only when they are equal), so that the result does not depend on the
   *     order the events arrive in.
   * @param problems receives a description of each piece of event data that was not applied
   *     (no personal data)
   */
  public static void apply(
      Profile.Builder profile,
      Event event,
      Collection<Identifier> attach,
      Collection<Identifier> malformed,
      boolean active,
      RevenueRules revenue,
      java.util.function.Function<String, java.util.Comparator<Attribute>> preference,
      List<String> problems) {
    Instant at = event.timestamp();
    // Created-at, updated-at and, when active, the activity span; an event after all of them
    // (the usual one) is recognised without reading them, and changes no Optional when inside.
    profile.seeEvent(at, active);
    if (attach instanceof List<Identifier> list && attach instanceof RandomAccess) {
      for (int i = 0; i < list.size(); i++) { // by index: no iterator per event
        see(profile, list.get(i), at, active, event.source(), malformed);
      }
    } else {
      for (Identifier id : attach) {
        see(profile, id, at, active, event.source(), malformed);
      }
    }
    Map<String, Object> data = event.data();
    if (event.type().equals(IDENTIFY)) {
      for (Map.Entry<String, Object> e : data.entrySet()) {
        if (!e.getKey().equals(DEVICE)) { // the device is the last_device attribute, set below
          observe(profile, e.getKey(), e.getValue(), event, preference, problems);
        }
      }
    }
    if (!data.isEmpty() && data.get(DEVICE) instanceof String d && !d.isBlank()) { // as EventData.string
      observe(profile, Attribute.LAST_DEVICE, d, event, preference, problems);
    }
    if (event.type().equals(ORDER)) {
      Optional<BigDecimal> value = revenue.revenueOf(event, problems);
      if (value.isPresent()) {
        profile.orders(profile.orders().plus(value.get(), at));
      }
    }
    profile.eventCount(profile.eventCount() + 1);
  }

  /**
   * Records a sighting of {@code id} on the profile, marking it undeliverable when malformed:
   * malformed since the earliest event carrying it, so that a late older event moves the time
   * back as it moves first-seen, and the result does not depend on arrival order.
   */
  private static void see(
      Profile.Builder profile, Identifier id, Instant at, boolean active, String source, Collection<Identifier> malformed) {
    IdentifierState next = profile.seeIdentifier(id, at, active, source); // one search, no copy if unchanged
    if (!malformed.isEmpty() && malformed.contains(id) && !malformedBy(next.deliverability(), at)) {
      profile.putIdentifier(next.withDeliverability(Deliverability.undeliverable(UndeliverableReason.MALFORMED, at)));
    }
  }

  /** Whether {@code d} is malformed already at or before {@code at}. */
  private static boolean malformedBy(Deliverability d, Instant at) {
    Optional<UndeliverableReason> reason = d.reason();
    return reason.isPresent() && reason.get() == UndeliverableReason.MALFORMED
        && (d.since().isEmpty() || !d.since().get().isAfter(at));
  }

  private static void observe(
      Profile.Builder profile, String name, Object value, Event event,
      java.util.function.Function<String, java.util.Comparator<Attribute>> preference, List<String> problems) {
    Attribute observed;
    try {
      observed = new Attribute(name, value, event.source(), event.timestamp());
    } catch (IllegalArgumentException e) {
      problems.add("attribute rejected in event " + event.id() + ": " + e.getMessage());
      return;
    }
    if (observed.textSize(Attribute.MAX_TEXT_LENGTH) > Attribute.MAX_TEXT_LENGTH) {
      problems.add("attribute rejected in event " + event.id() + ": attribute " + name + " must hold at most "
          + Attribute.MAX_TEXT_LENGTH + " characters of text");
      return;
    }
    if (profile.attributeCount() >= Profile.MAX_ATTRIBUTES && profile.attribute(name).isEmpty()) {
      problems.add("attribute rejected in event " + event.id() + ": the profile holds the maximum of "
          + Profile.MAX_ATTRIBUTES + " attributes");
      return;
    }
    java.util.Comparator<Attribute> prefer = preference == null ? null : preference.apply(name);
    if (prefer == null) {
      profile.seeAttribute(observed); // kept if newer in OBSERVATION_ORDER: one search, no map view
      return;
    }
    Optional<Attribute> current = profile.attribute(name);
    if (current.isEmpty() || prefer.compare(observed, current.get()) > 0) {
      profile.putAttribute(observed);
    }
  }
}
