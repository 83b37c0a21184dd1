package dev.clientele.export;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
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
 * person, as one JSON object (UTF-8), for the person who asked for it.
 *
 * <p>Keys: {@code format} ({@value #FORMAT}), {@code generatedAt}, {@code profile} (id, times,
 * mergedFrom, tags, CCPA flags, order summary), {@code identifiers} (value, first/last seen,
 * source, deliverability, consent), {@code attributes} (value with source and time),
 * {@code lists}, {@code consentHistory} (every consent, reachability and compliance event:
 * the consent ledger, with time, source and {@code data.method}) and {@code events} (the whole
 * timeline, with data). Times are ISO-8601 UTC; numbers keep their exact decimal form.
 *
 * <pre>{@code
 * try (OutputStream out = Files.newOutputStream(path)) {
 *   PortabilityBundle.write(profile, clientele.timeline(profile.id(), TimelineQuery.all()), clock.instant(), out);
 * }
 * }</pre>
 */
public final class PortabilityBundle {
  /** The value of the bundle's {@code format} key. */
  public static final String FORMAT = "clientele-portability-v1";
  private static final JsonFactory JSON = new JsonFactory();

  private PortabilityBundle() {}

  /**
   * Writes the bundle of {@code profile} with its {@code timeline} to {@code out} (not closed).
   *
   * @throws UncheckedIOException if writing fails
   */
  public static void write(Profile profile, List<Event> timeline, Instant generatedAt, OutputStream out) {
    requireNonNull(profile, "profile");
    requireNonNull(timeline, "timeline");
    requireNonNull(generatedAt, "generatedAt");
    requireNonNull(out, "out");
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
      for (Event e : timeline) {
        if (e.type().equals("consent") || e.type().equals("reachability") || e.type().equals("compliance")) {
          g.writeStartObject();
          g.writeStringField("timestamp", e.timestamp().toString());
          g.writeStringField("type", e.type());
          g.writeStringField("action", e.action());
          g.writeStringField("source", e.source());
          for (String key : List.of("channel", "method")) {
            if (e.data().get(key) instanceof String v) {
              g.writeStringField(key, v);
            }
          }
          g.writeStringField("eventId", e.id());
          g.writeEndObject();
        }
      }
      g.writeEndArray();
      g.writeArrayFieldStart("events");
      for (Event e : timeline) {
        writeEvent(g, e);
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

  private static void writeEvent(JsonGenerator g, Event e) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", e.id());
    g.writeStringField("type", e.type());
    g.writeStringField("action", e.action());
    g.writeStringField("timestamp", e.timestamp().toString());
    g.writeStringField("source", e.source());
    g.writeObjectFieldStart("identifiers");
    for (Identifier i : e.identifiers()) {
      g.writeStringField(i.type().name(), i.value());
    }
    g.writeEndObject();
    g.writeFieldName("data");
    JsonValues.write(g, e.data());
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
