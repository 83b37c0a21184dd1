package dev.clientele.examples;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.Pii;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads events from a JSON Lines file in the format of the design, one event per line, and hands
 * each valid one to a consumer as it goes (the file is never held in memory).
 *
 * <p>Per line: {@code id}, {@code type} and {@code timestamp} (ISO-8601 with {@code Z} or an
 * offset) are required strings; {@code identifiers} is a required, non-empty object of
 * type&rarr;string value; {@code action}, {@code data} (an object) and {@code source} are
 * optional. A JSON {@code null} counts as absent, for these fields and for values inside
 * {@code data} (at any depth, in objects and arrays), because Clientele's event data has no null
 * value. Integral numbers become {@code Long} (larger ones {@link BigDecimal}); other numbers
 * become {@link BigDecimal} with their written scale. Any other top-level field is an error, so
 * that a misspelt {@code data} is not silently dropped. Blank lines are skipped.
 *
 * <p>A line that breaks these rules, or that {@link Event} refuses (invalid identifier type,
 * blank or over-long value, repeated identifier…), is rejected: it is counted and its line
 * number and reason are kept (the first {@value #MAX_REASONS}). Reasons never hold personal
 * data: values are masked with {@link Pii#mask(String)} or left out.
 */
final class EventReader {
  /** How many rejection reasons a {@link Result} keeps. */
  static final int MAX_REASONS = 20;

  private static final Set<String> FIELDS = Set.of("id", "type", "action", "timestamp", "identifiers", "data", "source");
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_]{1,40}");

  /** Receives each valid event with the line it came from. */
  @FunctionalInterface
  interface Sink {
    /** Takes one event read from {@code line} (1-based). */
    void accept(Event event, long line);
  }

  /**
   * One rejected line or event.
   *
   * @param line the 1-based line number in the file
   * @param reason why, without personal data
   */
  record Rejection(long line, String reason) {
    /** {@code "line N: reason"}. */
    @Override
    public String toString() {
      return "line " + line + ": " + reason;
    }
  }

  /**
   * What a read found.
   *
   * @param lines non-blank lines read
   * @param events lines that gave a valid event
   * @param rejectedLines lines rejected
   * @param reasons the first {@value #MAX_REASONS} rejections
   * @param lastEvent the latest event timestamp, if any event was read
   */
  record Result(long lines, long events, long rejectedLines, List<Rejection> reasons, Optional<Instant> lastEvent) {
    Result {
      reasons = List.copyOf(reasons);
    }
  }

  private EventReader() {}

  /**
   * Reads {@code file}, passing each valid event to {@code sink} in file order.
   *
   * @throws CliException if the file is missing, unreadable or not UTF-8 text
   */
  static Result read(Path file, Sink sink) throws CliException {
    long lineNo = 0;
    long lines = 0;
    long events = 0;
    long rejected = 0;
    List<Rejection> reasons = new ArrayList<>();
    Instant last = null;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (lineNo == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        if (line.isBlank()) {
          continue;
        }
        lines++;
        Event event;
        try {
          event = parse(line);
        } catch (LineException e) {
          rejected++;
          if (reasons.size() < MAX_REASONS) {
            reasons.add(new Rejection(lineNo, e.getMessage()));
          }
          continue;
        }
        events++;
        if (last == null || event.timestamp().isAfter(last)) {
          last = event.timestamp();
        }
        sink.accept(event, lineNo);
      }
    } catch (NoSuchFileException e) {
      throw new CliException("events file not found: " + file, e);
    } catch (CharacterCodingException e) {
      // The reader decodes ahead of the line it returns, so find the line of the bad bytes itself.
      long at;
      try {
        at = firstNonUtf8Line(file);
      } catch (IOException again) {
        at = -1;
      }
      throw new CliException("events file is not UTF-8 text (at line " + (at > 0 ? at : lineNo + 1) + "): " + file, e);
    } catch (IOException e) {
      throw new CliException("cannot read events file " + file + ": " + e.getMessage(), e);
    }
    return new Result(lines, events, rejected, reasons, Optional.ofNullable(last));
  }

  /**
   * The 1-based line holding the first byte sequence of {@code file} that is not UTF-8, or -1 if
   * there is none. Streams the file; used only to report a decoding failure.
   */
  static long firstNonUtf8Line(Path file) throws IOException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.allocate(1 << 16);
    CharBuffer out = CharBuffer.allocate(1 << 16);
    long line = 1;
    boolean eof = false;
    try (ReadableByteChannel channel = Files.newByteChannel(file)) {
      while (true) {
        if (!eof && in.hasRemaining()) {
          eof = channel.read(in) < 0;
        }
        in.flip();
        int start = in.position();
        CoderResult result = decoder.decode(in, out, eof);
        for (int i = start; i < in.position(); i++) {
          if (in.get(i) == '\n') {
            line++;
          }
        }
        if (result.isError()) {
          return line;
        }
        out.clear();
        if (eof && result.isUnderflow() && !in.hasRemaining()) {
          return -1;
        }
        in.compact();
      }
    }
  }

  /**
   * Parses one line into an event.
   *
   * @throws LineException saying why the line is rejected (no personal data)
   */
  static Event parse(String line) throws LineException {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      // Jackson's own message quotes the offending text, which may be personal: keep the position only.
      JsonLocation at = e.getLocation();
      throw new LineException("not valid JSON" + (at == null ? "" : " (at column " + at.getColumnNr() + ")"));
    }
    if (root == null || !root.isObject()) {
      throw new LineException("not a JSON object");
    }
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String name = field.getKey();
      if (!FIELDS.contains(name)) {
        throw new LineException("unknown field " + quoteKey(name)
            + " (expected id, type, action, timestamp, identifiers, data, source)");
      }
    }
    String id = requiredString(root, "id");
    String type = requiredString(root, "type");
    Optional<String> action = optionalString(root, "action");
    Instant timestamp = timestamp(requiredString(root, "timestamp"));
    Optional<String> source = optionalString(root, "source");
    Map<String, Object> data = data(root.get("data"));
    try {
      Event.Builder b = Event.builder(id, type, timestamp);
      action.ifPresent(b::action);
      source.ifPresent(b::source);
      for (Identifier identifier : identifiers(root.get("identifiers"))) {
        b.identifier(identifier);
      }
      b.data(data);
      return b.build();
    } catch (IllegalArgumentException e) {
      // Core messages mask personal values (see Pii), so they can be shown as they are.
      throw new LineException(e.getMessage());
    }
  }

  private static String requiredString(JsonNode root, String field) throws LineException {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      throw new LineException("missing field " + field);
    }
    if (!n.isTextual()) {
      throw new LineException("field " + field + " must be a string, not " + kind(n));
    }
    return n.textValue();
  }

  private static Optional<String> optionalString(JsonNode root, String field) throws LineException {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isTextual()) {
      throw new LineException("field " + field + " must be a string, not " + kind(n));
    }
    return Optional.of(n.textValue());
  }

  private static Instant timestamp(String text) throws LineException {
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new LineException("timestamp must be ISO-8601 with Z or an offset, e.g. 2026-10-03T14:05:00Z");
    }
  }

  private static List<Identifier> identifiers(JsonNode node) throws LineException {
    if (node == null || node.isNull()) {
      throw new LineException("missing field identifiers");
    }
    if (!node.isObject()) {
      throw new LineException("field identifiers must be an object of type to value, not " + kind(node));
    }
    if (node.isEmpty()) {
      throw new LineException("identifiers must not be empty");
    }
    List<Identifier> out = new ArrayList<>(node.size());
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      JsonNode v = e.getValue();
      if (!v.isTextual()) {
        throw new LineException("identifier " + quoteKey(e.getKey()) + " must have a string value, not " + kind(v));
      }
      try {
        out.add(Identifier.of(e.getKey(), v.textValue()));
      } catch (IllegalArgumentException ex) {
        throw new LineException(ex.getMessage());
      }
    }
    return out;
  }

  private static Map<String, Object> data(JsonNode node) throws LineException {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new LineException("field data must be an object, not " + kind(node));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) value(node);
    return map;
  }

  /** The Java value of a JSON node; {@code null} for JSON null (the caller leaves it out). */
  private static Object value(JsonNode n) {
    switch (n.getNodeType()) {
      case STRING:
        return n.textValue();
      case BOOLEAN:
        return n.booleanValue();
      case NUMBER:
        if (n.isIntegralNumber()) {
          return n.canConvertToLong() ? (Object) n.longValue() : new BigDecimal(n.bigIntegerValue());
        }
        return n.decimalValue();
      case ARRAY: {
        List<Object> list = new ArrayList<>(n.size());
        for (JsonNode item : n) {
          Object v = value(item);
          if (v != null) {
            list.add(v);
          }
        }
        return list;
      }
      case OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
          Object v = value(e.getValue());
          if (v != null) {
            map.put(e.getKey(), v);
          }
        }
        return map;
      }
      default:
        return null;
    }
  }

  private static String kind(JsonNode n) {
    JsonNodeType t = n.getNodeType();
    return t.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** A key from the file, quoted, or masked when it does not look like a plain field name. */
  private static String quoteKey(String key) {
    return "'" + (PLAIN_KEY.matcher(key).matches() ? key : Pii.mask(key)) + "'";
  }

  /** Why one line is rejected; the message holds no personal data. */
  static final class LineException extends Exception {
    private static final long serialVersionUID = 1L;

    LineException(String message) {
      super(message, null, false, false);
    }
  }
}
