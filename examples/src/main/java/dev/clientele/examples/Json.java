package dev.clientele.examples;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON conventions of the CLI, shared by reading and writing so that a file written by the
 * CLI reads back to equal values.
 *
 * <ul>
 *   <li>Decimals are {@link BigDecimal}s kept with their scale ({@code 42.50} stays
 *       {@code 42.50}) and written plain, never in exponent form.
 *   <li>Duplicate keys in an object and trailing content after a value are errors.
 *   <li>Times are ISO-8601 instants in UTC ({@code 2026-10-03T14:05:00Z}).
 * </ul>
 */
final class Json {
  /** The mapper for every JSON read and write of the CLI. Thread-safe. */
  static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private Json() {}

  /** A new empty object node. */
  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Pretty-printed JSON text of {@code node} (arrays one item a line), without a trailing newline. */
  static String pretty(JsonNode node) {
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter().withArrayIndenter(new DefaultIndenter("  ", "\n")).withObjectIndenter(new DefaultIndenter("  ", "\n"));
    try {
      return MAPPER.writer(printer).writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot print JSON", e);
    }
  }

  /** The ISO-8601 text of a time, or JSON null when absent. */
  static void writeTime(JsonGenerator g, String field, Optional<Instant> time) throws IOException {
    if (time.isPresent()) {
      g.writeStringField(field, time.get().toString());
    } else {
      g.writeNullField(field);
    }
  }

  /**
   * Writes an event-data or attribute value: string, boolean, long, {@link BigDecimal}, list or
   * string-keyed map of those (see {@link dev.clientele.core.EventData}).
   */
  static void writeValue(JsonGenerator g, Object value) throws IOException {
    if (value instanceof String s) {
      g.writeString(s);
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Long l) {
      g.writeNumber(l);
    } else if (value instanceof Integer i) {
      g.writeNumber(i);
    } else if (value instanceof BigDecimal d) {
      g.writeNumber(d);
    } else if (value instanceof BigInteger i) {
      g.writeNumber(i);
    } else if (value instanceof List<?> list) {
      g.writeStartArray();
      for (Object o : list) {
        writeValue(g, o);
      }
      g.writeEndArray();
    } else if (value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } else {
      throw new IllegalArgumentException("not a JSON-like value: " + (value == null ? "null" : value.getClass().getName()));
    }
  }

  /**
   * Writes {@code event} as one line of the event format of the design (no newline):
   * {@code id, type, action (when not empty), timestamp, identifiers, data (when not empty),
   * source (when not the default)}.
   *
   * @throws IllegalArgumentException if the event has two identifiers of one type, which the
   *     format (an object keyed by type) cannot hold
   */
  static void writeEvent(JsonGenerator g, Event event) throws IOException {
    Set<String> types = new HashSet<>();
    for (Identifier id : event.identifiers()) {
      if (!types.add(id.type().name())) {
        throw new IllegalArgumentException(
            "event " + event.id() + " has two " + id.type() + " identifiers; the JSONL format holds one per type");
      }
    }
    g.writeStartObject();
    g.writeStringField("id", event.id());
    g.writeStringField("type", event.type());
    if (!event.action().isEmpty()) {
      g.writeStringField("action", event.action());
    }
    g.writeStringField("timestamp", event.timestamp().toString());
    g.writeObjectFieldStart("identifiers");
    for (Identifier id : event.identifiers()) {
      g.writeStringField(id.type().name(), id.value());
    }
    g.writeEndObject();
    if (!event.data().isEmpty()) {
      g.writeFieldName("data");
      writeValue(g, event.data());
    }
    if (!event.source().equals(Event.DEFAULT_SOURCE)) {
      g.writeStringField("source", event.source());
    }
    g.writeEndObject();
  }

  /** Writes {@code events} as JSON Lines, one event a line, each line ending with {@code \n}. */
  static void writeEvents(Iterable<Event> events, Writer out) throws IOException {
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.setRootValueSeparator(null);
      for (Event e : events) {
        writeEvent(g, e);
        g.writeRaw('\n');
      }
    }
  }
}
