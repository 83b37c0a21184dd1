package dev.clientele.export;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.clientele.consent.ConsentChange;
import dev.clientele.core.Attribute;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.Profile;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the data-portability bundle of one profile: all personal data Clientele holds about a
 * person, as one JSON object (UTF-8), for the person who asked for it, and no other person's.
 *
 * <p>Keys: {@code format} ({@value #FORMAT}), {@code generatedAt}, {@code profile} (id, times,
 * mergedFrom, tags, CCPA flags, order summary), {@code identifiers} (value, first/last seen,
 * source, deliverability, consent), {@code attributes} (value with source and time),
 * {@code lists}, {@code consentHistory} (the consent ledger, as
 * {@code Clientele.consentHistory} returns it: one entry per change of consent of one of the
 * profile's identifiers, with {@code timestamp}, {@code identifier} ({@code type}, {@code value}),
 * {@code consent} ({@code opt_in}, {@code opt_out} or {@code unknown}), {@code source},
 * {@code method} when known, and {@code eventId}) and {@code events} (the whole timeline, with
 * data; each event's {@code identifiers} is an array of {@code {"type": …, "value": …}} objects in
 * the event's order, so two identifiers of one type are both kept). Times are ISO-8601 UTC;
 * numbers keep their exact decimal form.
 *
 * <p>Only the profile's own identifiers are written. After a split, an event that linked the
 * people of both sides stays on one side's timeline with the other side's identifiers in it: in
 * the bundle it lists only the identifiers this profile holds. Its data is this side's (the split
 * counted it here, and an erasure of this profile erases it). A consent change that the split
 * carried over from an event on the other side's timeline is in this profile's
 * {@code consentHistory} (with that event's id, time, source and method), not in its
 * {@code events}.
 *
 * <p>Changed from {@code clientele-portability-v1}: event identifiers were an object keyed by
 * type (an event with two emails gave a duplicate key), and {@code consentHistory} listed the
 * timeline's consent, reachability and compliance events (bounces and CCPA changes are still in
 * {@code events}, and their effect in {@code identifiers} and {@code profile}).
 *
 * <pre>{@code
 * try (OutputStream out = Files.newOutputStream(path)) {
 *   PortabilityBundle.write(profile, clientele.timeline(profile.id(), TimelineQuery.all()),
 *       clientele.consentHistory(profile.id()), clock.instant(), out);
 * }
 * }</pre>
 */
public final class PortabilityBundle {
  /** The value of the bundle's {@code format} key. */
  public static final String FORMAT = "clientele-portability-v2";
  private static final JsonFactory JSON = new JsonFactory();

  private PortabilityBundle() {}

  /**
   * Writes the bundle of {@code profile} with its {@code timeline} and its consent ledger to
   * {@code out} (not closed). Identifiers of the timeline's events that the profile does not hold
   * are left out.
   *
   * @param profile the profile, as stored
   * @param timeline its events, oldest first
   * @param consentHistory its consent ledger, as {@code Clientele.consentHistory} returns it
   * @param generatedAt the time written as {@code generatedAt}
   * @param out where the JSON goes
   * @throws IllegalArgumentException if an entry of {@code consentHistory} is about an identifier
   *     the profile does not hold (nothing is written)
   * @throws UncheckedIOException if writing fails
   */
  public static void write(
      Profile profile, List<Event> timeline, List<ConsentChange> consentHistory, Instant generatedAt, OutputStream out) {
    requireNonNull(profile, "profile");
    requireNonNull(timeline, "timeline");
    requireNonNull(consentHistory, "consentHistory");
    requireNonNull(generatedAt, "generatedAt");
    requireNonNull(out, "out");
    for (ConsentChange c : consentHistory) {
      if (profile.identifier(c.identifier()).isEmpty()) {
        throw new IllegalArgumentException("consent history entry of event " + c.eventId()
            + " is about an identifier profile " + profile.id() + " does not hold");
      }
    }
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      g.configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("format", FORMAT);
      g.writeStringField("generatedAt", generatedAt.toString());
      writeProfile(g, profile);
      g.writeArrayFieldStart("identifiers");
      for (IdentifierState s : profile.identifiers()) {
        writeIdentifier(g, s);
      }
      g.writeEndArray();
      g.writeObjectFieldStart("attributes");
      for (Attribute a : profile.attributes().values()) {
        g.writeObjectFieldStart(a.name());
        g.writeFieldName("value");
        JsonValues.write(g, a.value());
        g.writeStringField("source", a.source());
        g.writeStringField("updatedAt", a.updatedAt().toString());
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeObjectFieldStart("lists");
      for (ListSubscription l : profile.lists().values()) {
        g.writeObjectFieldStart(l.list());
        g.writeBooleanField("subscribed", l.subscribed());
        optionalTime(g, "subscribedAt", l.subscribedAt());
        optionalTime(g, "unsubscribedAt", l.unsubscribedAt());
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeArrayFieldStart("consentHistory");
      for (ConsentChange c : consentHistory) {
        g.writeStartObject();
        g.writeStringField("timestamp", c.at().toString());
        writeIdentifierValue(g, "identifier", c.identifier());
        g.writeStringField("consent", c.consent().key());
        g.writeStringField("source", c.source());
        if (c.method().isPresent()) {
          g.writeStringField("method", c.method().get());
        }
        g.writeStringField("eventId", c.eventId());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("events");
      for (Event e : timeline) {
        writeEvent(g, e, profile);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the portability bundle of profile " + profile.id(), e);
    }
  }

  private static void writeProfile(JsonGenerator g, Profile p) throws IOException {
    g.writeObjectFieldStart("profile");
    g.writeStringField("id", p.id().value());
    g.writeStringField("createdAt", p.createdAt().toString());
    g.writeStringField("updatedAt", p.updatedAt().toString());
    optionalTime(g, "firstActive", p.firstActive());
    optionalTime(g, "lastActive", p.lastActive());
    g.writeArrayFieldStart("mergedFrom");
    for (var id : p.mergedFrom()) {
      g.writeString(id.value());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("tags");
    for (String t : p.tags()) {
      g.writeString(t);
    }
    g.writeEndArray();
    g.writeBooleanField("ccpaOptedOut", p.isCcpaOptedOut());
    optionalTime(g, "ccpaOptOutAt", p.ccpaOptOutAt());
    optionalTime(g, "ccpaOptInAt", p.ccpaOptInAt());
    g.writeObjectFieldStart("orders");
    g.writeNumberField("count", p.orders().orderCount());
    g.writeNumberField("revenue", p.orders().revenue());
    optionalTime(g, "firstOrder", p.orders().firstOrder());
    optionalTime(g, "lastOrder", p.orders().lastOrder());
    g.writeEndObject();
    g.writeNumberField("eventCount", p.eventCount());
    g.writeEndObject();
  }

  private static void writeIdentifier(JsonGenerator g, IdentifierState s) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", s.type().name());
    g.writeStringField("value", s.identifier().value());
    g.writeStringField("firstSeen", s.firstSeen().toString());
    optionalTime(g, "lastSeen", s.lastSeen());
    g.writeStringField("linkedAt", s.linkedAt().toString());
    g.writeStringField("source", s.source());
    g.writeBooleanField("deliverable", s.deliverability().isDeliverable());
    if (s.deliverability().reason().isPresent()) {
      g.writeStringField("undeliverableReason", s.deliverability().reason().get().key());
    }
    optionalTime(g, "deliverabilitySince", s.deliverability().since());
    g.writeStringField("consent", s.consent().key());
    optionalTime(g, "consentAt", s.consentAt());
    g.writeEndObject();
  }

  /** Writes {@code e} with only the identifiers {@code profile} holds (see the class comment). */
  private static void writeEvent(JsonGenerator g, Event e, Profile profile) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", e.id());
    g.writeStringField("type", e.type());
    g.writeStringField("action", e.action());
    g.writeStringField("timestamp", e.timestamp().toString());
    g.writeStringField("source", e.source());
    g.writeArrayFieldStart("identifiers");
    for (Identifier i : e.identifiers()) {
      if (profile.identifier(i).isPresent()) {
        writeIdentifierValue(g, null, i);
      }
    }
    g.writeEndArray();
    g.writeFieldName("data");
    JsonValues.write(g, e.data());
    g.writeEndObject();
  }

  /** Writes {@code {"type": …, "value": …}}, as field {@code name} or (null) as an array element. */
  private static void writeIdentifierValue(JsonGenerator g, String name, Identifier i) throws IOException {
    if (name == null) {
      g.writeStartObject();
    } else {
      g.writeObjectFieldStart(name);
    }
    g.writeStringField("type", i.type().name());
    g.writeStringField("value", i.value());
    g.writeEndObject();
  }

  private static void optionalTime(JsonGenerator g, String name, Optional<Instant> t) throws IOException {
    if (t.isPresent()) {
      g.writeStringField(name, t.get().toString());
    } else {
      g.writeNullField(name);
    }
  }

  /** Writes the JSON-like values of {@link dev.clientele.core.EventData}. */
  static final class JsonValues {
    private JsonValues() {}

    static void write(JsonGenerator g, Object v) throws IOException {
      if (v instanceof String s) {
        g.writeString(s);
      } else if (v instanceof Boolean b) {
        g.writeBoolean(b);
      } else if (v instanceof Long l) {
        g.writeNumber(l);
      } else if (v instanceof BigDecimal d) {
        g.writeNumber(d);
      } else if (v instanceof List<?> list) {
        g.writeStartArray();
        for (Object o : list) {
          write(g, o);
        }
        g.writeEndArray();
      } else if (v instanceof Map<?, ?> map) {
        g.writeStartObject();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          g.writeFieldName(String.valueOf(e.getKey()));
          write(g, e.getValue());
        }
        g.writeEndObject();
      } else {
        throw new IllegalArgumentException("not a JSON-like value: " + (v == null ? "null" : v.getClass().getName()));
      }
    }
  }
}
