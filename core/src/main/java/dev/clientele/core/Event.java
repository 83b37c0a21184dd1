package dev.clientele.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Something a person did or that happened to them: the unit of ingestion.
 *
 * <pre>{@code
 * Event e = Event.builder("e-1", "order", Instant.parse("2026-10-03T14:05:00Z"))
 *     .action("purchase")
 *     .identifier(IdentifierType.EMAIL, "Ann@Example.com")
 *     .data("total", new BigDecimal("42.50"))
 *     .build();
 * }</pre>
 *
 * @param id unique per event; ingesting the same id twice applies it once
 * @param type the event type, e.g. {@code order}, {@code login}, {@code consent}
 * @param action the action within the type, e.g. {@code purchase}; empty string when there is none
 * @param timestamp when it happened
 * @param identifiers the raw identifiers that came with it, at least one and at most {@link
 *     #MAX_IDENTIFIERS}, no duplicates
 * @param data JSON-like event data (see {@link EventData})
 * @param source where it came from (an integration or app name); {@code "api"} by default
 */
public record Event(
    String id,
    String type,
    String action,
    Instant timestamp,
    List<Identifier> identifiers,
    Map<String, Object> data,
    String source) {

  /**
   * The earliest timestamp an event may have, {@code 0001-01-01T00:00:00Z}: together with {@link
   * #LATEST} the range of four-digit ISO-8601 years, which every backend, calendar computation
   * and export format handles.
   */
  public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  /** The latest timestamp an event may have, {@code 9999-12-31T23:59:59.999999999Z}. */
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  /** The source given to events that do not name one. */
  public static final String DEFAULT_SOURCE = "api";

  /**
   * The most identifiers one event may carry. Events come from clients, and resolving an event's
   * identifiers costs time and problem lines per identifier before any per-profile cap applies:
   * without a bound one event of tens of thousands of identifiers costs seconds of CPU. A real
   * event names a handful of identifiers; a thousand leaves room for hosts with many types.
   */
  public static final int MAX_IDENTIFIERS = 1000;

  /**
   * Validates the event.
   *
   * @throws IllegalArgumentException naming the field: blank or over-long id, an id or source with
   *     control characters or unpaired surrogates, a timestamp outside {@link #EARLIEST} to {@link
   *     #LATEST}, a type or action
   *     that is not 1 to 64 of {@code [A-Za-z0-9_.:-]}, no identifiers, more than {@link
   *     #MAX_IDENTIFIERS} identifiers, a repeated identifier, non-JSON-like data (see {@link
   *     EventData#copyOf})
   */
  public Event {
    // Messages are built only on failure: this runs for every ingested event, twice when the
    // identifiers change in normalisation, and a masked message costs more than the checks.
    requireNonNull(id, "id");
    if (id.isBlank() || id.length() > 256) {
      throw new IllegalArgumentException("event id must be 1 to 256 characters, not blank: " + Pii.mask(id));
    }
    int bad = Names.badCharAt(id, false);
    if (bad >= 0) {
      throw new IllegalArgumentException(
          "event id must not contain control characters or unpaired surrogates: " + Pii.mask(id) + " has " + Names.describeBadChar(id, bad));
    }
    requireNonNull(type, "type");
    if (!Names.isEventName(type)) {
      throw new IllegalArgumentException("event type must be 1 to 64 of [A-Za-z0-9_.:-]: " + Pii.mask(type));
    }
    requireNonNull(action, "action");
    if (!action.isEmpty() && !Names.isEventName(action)) {
      throw new IllegalArgumentException("event action must be empty or 1 to 64 of [A-Za-z0-9_.:-]: " + Pii.mask(action));
    }
    requireNonNull(timestamp, "timestamp");
    if (timestamp.isBefore(EARLIEST) || timestamp.isAfter(LATEST)) {
      throw new IllegalArgumentException("event timestamp must be within the years 1 to 9999 (UTC): " + timestamp);
    }
    requireNonNull(identifiers, "identifiers");
    identifiers = ImmutableList.copyOf(identifiers);
    checkArgument(!identifiers.isEmpty(), "event must have at least one identifier: %s", id);
    if (identifiers.size() > MAX_IDENTIFIERS) {
      throw tooManyIdentifiers(identifiers.size());
    }
    checkArgument(isDistinct(identifiers), "event identifiers must not repeat: %s", id);
    data = EventData.copyOf(requireNonNull(data, "data"));
    requireNonNull(source, "source");
    if (source.isBlank() || source.length() > 128) {
      throw new IllegalArgumentException("event source must be 1 to 128 characters: " + Pii.mask(source));
    }
    int badSource = Names.badCharAt(source, false);
    if (badSource >= 0) {
      throw new IllegalArgumentException("event source must not contain control characters or unpaired surrogates: "
          + Pii.mask(source) + " has " + Names.describeBadChar(source, badSource));
    }
  }

  private static IllegalArgumentException tooManyIdentifiers(int n) {
    return new IllegalArgumentException("event identifiers must be at most " + MAX_IDENTIFIERS + ", not " + n);
  }

  private static boolean isDistinct(List<Identifier> identifiers) {
    int n = identifiers.size();
    if (n > 16) {
      return new java.util.HashSet<>(identifiers).size() == n;
    }
    for (int i = 1; i < n; i++) {
      Identifier a = identifiers.get(i);
      for (int j = 0; j < i; j++) {
        if (a.equals(identifiers.get(j))) {
          return false;
        }
      }
    }
    return true;
  }

  /** Starts an event with its required fields. */
  public static Builder builder(String id, String type, Instant timestamp) {
    return new Builder(requireNonNull(id, "id"), requireNonNull(type, "type"), requireNonNull(timestamp, "timestamp"));
  }

  /** Whether this event has the given type (and, if {@code action} is non-null, action). */
  public boolean is(String type, String action) {
    return this.type.equals(requireNonNull(type, "type")) && (action == null || this.action.equals(action));
  }

  /** Returns the id, type, action, time, identifier types and data keys; never values. */
  @Override
  public String toString() {
    return "Event{" + id + " " + type + (action.isEmpty() ? "" : "/" + action) + " @" + timestamp
        + " identifiers=" + identifiers.stream().map(i -> i.type().name()).toList() + " dataKeys=" + data.keySet() + "}";
  }

  /** A copy with other identifiers (used by the ingest pipeline after normalisation). */
  public Event withIdentifiers(List<Identifier> newIdentifiers) {
    return new Event(id, type, action, timestamp, newIdentifiers, data, source);
  }

  /** Builds an {@link Event}; not thread-safe. */
  public static final class Builder {
    private final String id;
    private final String type;
    private final Instant timestamp;
    private String action = "";
    private final List<Identifier> identifiers = new ArrayList<>();
    private final Map<String, Object> data = new LinkedHashMap<>();
    private String source = DEFAULT_SOURCE;

    private Builder(String id, String type, Instant timestamp) {
      this.id = id;
      this.type = type;
      this.timestamp = timestamp;
    }

    /** Sets the action. */
    public Builder action(String value) {
      this.action = requireNonNull(value, "action");
      return this;
    }

    /**
     * Adds an identifier.
     *
     * @throws IllegalArgumentException naming {@code identifiers} if the event would have more than
     *     {@link Event#MAX_IDENTIFIERS}
     */
    public Builder identifier(Identifier value) {
      requireNonNull(value, "identifier");
      if (identifiers.size() >= MAX_IDENTIFIERS) {
        throw tooManyIdentifiers(identifiers.size() + 1);
      }
      identifiers.add(value);
      return this;
    }

    /**
     * Adds an identifier.
     *
     * @throws IllegalArgumentException as {@link Identifier#of(IdentifierType, String)}, or as
     *     {@link #identifier(Identifier)}
     */
    public Builder identifier(IdentifierType type, String value) {
      return identifier(Identifier.of(type, value));
    }

    /**
     * Puts one data entry.
     *
     * @throws IllegalArgumentException if the value is not one {@link EventData} accepts (see
     *     {@link EventData#checkValue}: not JSON-like, a NUL or unpaired surrogate in a string, a
     *     number with more than {@link EventData#MAX_VALUE_DIGITS} digits before or after the point)
     */
    public Builder data(String key, Object value) {
      data.put(requireNonNull(key, "key"), EventData.checkValue(Names.forMessage(key), value));
      return this;
    }

    /**
     * Puts all entries of {@code values}.
     *
     * @throws IllegalArgumentException if a value is not one {@link EventData} accepts (see {@link
     *     #data(String, Object)})
     */
    public Builder data(Map<String, ?> values) {
      requireNonNull(values, "values").forEach(this::data);
      return this;
    }

    /** Sets the source. */
    public Builder source(String value) {
      this.source = requireNonNull(value, "source");
      return this;
    }

    /**
     * Builds the event.
     *
     * @throws IllegalArgumentException as the {@link Event} constructor
     */
    public Event build() {
      return new Event(id, type, action, timestamp, identifiers, data, source);
    }
  }
}
