package dev.clientele.segments;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.clientele.analytics.ActivityStatus;
import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.IdentifierType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON form of segments, for the CLI's segment files and for hosts that store definitions.
 * {@code parse(write(s))} equals {@code s} for every segment.
 *
 * <h2>Schema</h2>
 * A segment is {@code {"name": "…", "condition": C}}. A condition {@code C} is an object with
 * exactly one of the keys below (its <em>kind</em>) and only the other keys listed for it;
 * anything else is an error naming the path, e.g. {@code segment.condition.and[1]: unknown key "opp" (allowed here: [list])}.
 * {@code OP} is one of {@code eq, ne, gt, ge, lt, le}; {@code WINDOW} an ISO-8601 duration such
 * as {@code "P60D"} or {@code "PT12H"}.
 * <pre>
 * {"and": [C, …]}   {"or": [C, …]}   {"not": C}
 * {"attribute": "country", "op": "known|unknown|eq|ne|gt|ge|lt|le|contains",
 *      "value": "DE" | 42 | true   (not for known/unknown),  "source": "crm" (optional)}
 * {"identifier": "email", "deliverable": true (optional, default false)}
 * {"consent": "email|sms|push", "value": "opt_in|unknown|opt_out"}
 * {"reachable": "email|sms|push|any"}
 * {"list": "newsletter"}
 * {"event": "order", "action": "purchase" (optional), "measure": "count|sum" (default count),
 *      "field": "total" (sums only), "op": OP, "value": 2, "within": WINDOW (optional)}
 * {"occurrence": "feedback", "action": "negative" (optional), "which": "first|last", "within": WINDOW}
 * {"orders": "count|revenue|average_order_value|average_days_between|days_since_last", "op": OP, "value": 100}
 * {"figure": "churn_risk", "op": OP, "value": 0.5}
 * {"affinity": "shoes", "op": OP, "value": 0.5}          (the figure "affinity.shoes")
 * {"activity": "very_active|active|occasional|sleeper"}
 * </pre>
 * Example, "bought twice, not in 60 days":
 * <pre>
 * {"name": "lapsed-repeat-buyers", "condition": {"and": [
 *   {"event": "order", "op": "ge", "value": 2},
 *   {"not": {"event": "order", "op": "ge", "value": 1, "within": "P60D"}}]}}
 * </pre>
 * A file of several segments is a JSON array of segment objects ({@link #parseAll}).
 */
public final class SegmentJson {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private SegmentJson() {}

  /**
   * Parses one segment.
   *
   * @throws IllegalArgumentException if the text is not JSON or does not follow the schema; the
   *     message names the path and the rule
   */
  public static Segment parse(String json) {
    return segment(tree(json), "segment");
  }

  /**
   * Parses a JSON array of segments (a single segment object is accepted as a list of one):
   * an unmodifiable list, in the array's order.
   *
   * @throws IllegalArgumentException as {@link #parse}, or if two segments share a name
   */
  public static List<Segment> parseAll(String json) {
    JsonNode root = tree(json);
    if (root.isObject()) {
      return ImmutableList.of(segment(root, "segment"));
    }
    if (!root.isArray()) {
      throw new IllegalArgumentException("segments: expected an array of segment objects");
    }
    List<Segment> out = new ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < root.size(); i++) {
      Segment s = segment(root.get(i), "segments[" + i + "]");
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("segments[" + i + "]: segment name " + s.name() + " is used twice");
      }
      out.add(s);
    }
    return ImmutableList.copyOf(out);
  }

  /**
   * Reads a file of one segment or an array of segments (UTF-8): an unmodifiable list, in the
   * file's order.
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException as {@link #parseAll}, the message prefixed by the file name
   */
  public static List<Segment> read(Path file) {
    requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read segment file " + file + ": " + e.getMessage(), e);
    }
    try {
      return parseAll(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses one condition.
   *
   * @throws IllegalArgumentException as {@link #parse}
   */
  public static Condition parseCondition(String json) {
    return condition(tree(json), "condition");
  }

  /** The JSON text of {@code segment} (indented). */
  public static String write(Segment segment) {
    requireNonNull(segment, "segment");
    ObjectNode o = MAPPER.createObjectNode();
    o.put("name", segment.name());
    o.set("condition", node(segment.condition()));
    return text(o);
  }

  /** The JSON text of an array of segments (indented). */
  public static String writeAll(List<Segment> segments) {
    requireNonNull(segments, "segments");
    ArrayNode a = MAPPER.createArrayNode();
    for (Segment s : segments) {
      ObjectNode o = a.addObject();
      o.put("name", s.name());
      o.set("condition", node(s.condition()));
    }
    return text(a);
  }

  /** The JSON text of {@code condition} (indented). */
  public static String write(Condition condition) {
    return text(node(requireNonNull(condition, "condition")));
  }

  private static String text(JsonNode n) {
    try {
      return MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  private static JsonNode tree(String json) {
    requireNonNull(json, "json");
    try {
      JsonNode n = MAPPER.readTree(json);
      if (n == null || n.isMissingNode()) {
        throw new IllegalArgumentException("segment JSON is empty");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("segment JSON is malformed at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
    }
  }

  // ---- writing ----

  private static ObjectNode node(Condition c) {
    ObjectNode o = MAPPER.createObjectNode();
    if (c instanceof Condition.And a) {
      ArrayNode arr = o.putArray("and");
      a.conditions().forEach(x -> arr.add(node(x)));
    } else if (c instanceof Condition.Or or) {
      ArrayNode arr = o.putArray("or");
      or.conditions().forEach(x -> arr.add(node(x)));
    } else if (c instanceof Condition.Not n) {
      o.set("not", node(n.condition()));
    } else if (c instanceof Condition.AttributeIs a) {
      o.put("attribute", a.name());
      o.put("op", a.op().key());
      a.value().ifPresent(v -> {
        if (v instanceof BigDecimal d) {
          o.put("value", d);
        } else if (v instanceof Boolean b) {
          o.put("value", b);
        } else {
          o.put("value", (String) v);
        }
      });
      a.source().ifPresent(s -> o.put("source", s));
    } else if (c instanceof Condition.HasIdentifier h) {
      o.put("identifier", h.type().name());
      if (h.deliverable()) {
        o.put("deliverable", true);
      }
    } else if (c instanceof Condition.ConsentIs ci) {
      o.put("consent", ci.channel().key());
      o.put("value", ci.consent().key());
    } else if (c instanceof Condition.Reachable r) {
      o.put("reachable", r.channel().map(Channel::key).orElse("any"));
    } else if (c instanceof Condition.InList l) {
      o.put("list", l.list());
    } else if (c instanceof Condition.EventMeasure m) {
      o.put("event", m.type());
      m.action().ifPresent(a -> o.put("action", a));
      o.put("measure", m.measure().key());
      m.field().ifPresent(f -> o.put("field", f));
      o.put("op", m.op().key());
      o.put("value", m.value());
      m.within().ifPresent(w -> o.put("within", Numbers.iso(w)));
    } else if (c instanceof Condition.Occurrence oc) {
      o.put("occurrence", oc.type());
      oc.action().ifPresent(a -> o.put("action", a));
      o.put("which", oc.which().key());
      o.put("within", Numbers.iso(oc.within()));
    } else if (c instanceof Condition.OrderFigure f) {
      o.put("orders", f.measure().key());
      o.put("op", f.op().key());
      o.put("value", f.value());
    } else if (c instanceof Condition.Figure f) {
      if (f.name().startsWith(Condition.Figure.AFFINITY_PREFIX) && f.name().length() > Condition.Figure.AFFINITY_PREFIX.length()) {
        o.put("affinity", f.name().substring(Condition.Figure.AFFINITY_PREFIX.length()));
      } else {
        o.put("figure", f.name());
      }
      o.put("op", f.op().key());
      o.put("value", f.value());
    } else if (c instanceof Condition.Activity a) {
      o.put("activity", a.status().key());
    } else {
      throw new IllegalArgumentException("unknown condition kind: " + c.getClass().getName());
    }
    return o;
  }

  // ---- reading ----

  private static final List<String> KINDS = List.of(
      "and", "or", "not", "attribute", "identifier", "consent", "reachable", "list", "event", "occurrence", "orders",
      "figure", "affinity", "activity");

  private static Segment segment(JsonNode n, String path) {
    if (!n.isObject()) {
      throw new IllegalArgumentException(path + ": expected an object {\"name\":…, \"condition\":…}");
    }
    allowOnly(n, path, Set.of("name", "condition"));
    String name = text(n, "name", path);
    JsonNode c = n.get("condition");
    if (c == null) {
      throw new IllegalArgumentException(path + ": missing \"condition\"");
    }
    return guard(path, () -> new Segment(name, condition(c, path + ".condition")));
  }

  private static Condition condition(JsonNode n, String path) {
    if (!n.isObject()) {
      throw new IllegalArgumentException(path + ": expected a condition object");
    }
    List<String> kinds = new ArrayList<>();
    for (String k : KINDS) {
      if (n.has(k)) {
        kinds.add(k);
      }
    }
    if (kinds.size() != 1) {
      throw new IllegalArgumentException(path + ": a condition has exactly one of " + KINDS + ", found " + kinds);
    }
    String kind = kinds.get(0);
    return switch (kind) {
      case "and", "or" -> {
        allowOnly(n, path, Set.of(kind));
        JsonNode arr = n.get(kind);
        if (!arr.isArray() || arr.isEmpty()) {
          throw new IllegalArgumentException(path + "." + kind + ": expected a non-empty array of conditions");
        }
        List<Condition> kids = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
          kids.add(condition(arr.get(i), path + "." + kind + "[" + i + "]"));
        }
        yield kind.equals("and") ? new Condition.And(kids) : new Condition.Or(kids);
      }
      case "not" -> {
        allowOnly(n, path, Set.of("not"));
        yield new Condition.Not(condition(n.get("not"), path + ".not"));
      }
      case "attribute" -> {
        allowOnly(n, path, Set.of("attribute", "op", "value", "source"));
        String name = text(n, "attribute", path);
        Condition.AttributeOp op = enumValue(Condition.AttributeOp.class, text(n, "op", path), path + ".op");
        Optional<Object> value = Optional.ofNullable(n.get("value")).map(v -> scalar(v, path + ".value"));
        Optional<String> source = optionalText(n, "source", path);
        yield guard(path, () -> new Condition.AttributeIs(name, op, value, source));
      }
      case "identifier" -> {
        allowOnly(n, path, Set.of("identifier", "deliverable"));
        String type = text(n, "identifier", path);
        boolean deliverable = bool(n, "deliverable", path);
        yield guard(path, () -> new Condition.HasIdentifier(IdentifierType.of(type), deliverable));
      }
      case "consent" -> {
        allowOnly(n, path, Set.of("consent", "value"));
        Channel ch = channel(text(n, "consent", path), path + ".consent");
        String v = text(n, "value", path);
        Consent consent = null;
        for (Consent x : Consent.values()) {
          if (x.key().equals(v)) {
            consent = x;
          }
        }
        if (consent == null) {
          throw new IllegalArgumentException(path + ".value: expected opt_in, unknown or opt_out, not \"" + v + "\"");
        }
        yield new Condition.ConsentIs(ch, consent);
      }
      case "reachable" -> {
        allowOnly(n, path, Set.of("reachable"));
        String v = text(n, "reachable", path);
        yield v.equals("any") ? Condition.reachableAnywhere() : Condition.reachable(channel(v, path + ".reachable"));
      }
      case "list" -> {
        allowOnly(n, path, Set.of("list"));
        String list = text(n, "list", path);
        yield guard(path, () -> new Condition.InList(list));
      }
      case "event" -> {
        allowOnly(n, path, Set.of("event", "action", "measure", "field", "op", "value", "within"));
        String type = text(n, "event", path);
        Optional<String> action = optionalText(n, "action", path);
        Condition.Measure measure = n.has("measure")
            ? enumValue(Condition.Measure.class, text(n, "measure", path), path + ".measure")
            : Condition.Measure.COUNT;
        Optional<String> field = optionalText(n, "field", path);
        Comparison op = comparison(n, path);
        BigDecimal value = decimal(n, "value", path);
        Optional<Duration> within = optionalText(n, "within", path).map(w -> window(w, path + ".within"));
        yield guard(path, () -> new Condition.EventMeasure(type, action, measure, field, op, value, within));
      }
      case "occurrence" -> {
        allowOnly(n, path, Set.of("occurrence", "action", "which", "within"));
        String type = text(n, "occurrence", path);
        Optional<String> action = optionalText(n, "action", path);
        Condition.Which which = enumValue(Condition.Which.class, text(n, "which", path), path + ".which");
        Duration within = window(text(n, "within", path), path + ".within");
        yield guard(path, () -> new Condition.Occurrence(type, action, which, within));
      }
      case "orders" -> {
        allowOnly(n, path, Set.of("orders", "op", "value"));
        Condition.OrderMeasure m = enumValue(Condition.OrderMeasure.class, text(n, "orders", path), path + ".orders");
        yield new Condition.OrderFigure(m, comparison(n, path), decimal(n, "value", path));
      }
      case "figure", "affinity" -> {
        allowOnly(n, path, Set.of(kind, "op", "value"));
        String name = text(n, kind, path);
        Comparison op = comparison(n, path);
        double value = decimal(n, "value", path).doubleValue();
        String full = kind.equals("affinity") ? Condition.Figure.AFFINITY_PREFIX + name : name;
        yield guard(path, () -> new Condition.Figure(full, op, value));
      }
      case "activity" -> {
        allowOnly(n, path, Set.of("activity"));
        yield new Condition.Activity(enumValue(ActivityStatus.class, text(n, "activity", path), path + ".activity"));
      }
      default -> throw new IllegalStateException("kind " + kind);
    };
  }

  private static <T> T guard(String path, java.util.function.Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
    }
  }

  private static void allowOnly(JsonNode n, String path, Set<String> allowed) {
    Iterator<String> names = n.fieldNames();
    while (names.hasNext()) {
      String k = names.next();
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException(path + ": unknown key \"" + k + "\" (allowed here: " + new java.util.TreeSet<>(allowed) + ")");
      }
    }
  }

  private static String text(JsonNode n, String key, String path) {
    JsonNode v = n.get(key);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(path + "." + key + ": expected a string");
    }
    return v.asText();
  }

  private static Optional<String> optionalText(JsonNode n, String key, String path) {
    return n.has(key) ? Optional.of(text(n, key, path)) : Optional.empty();
  }

  private static boolean bool(JsonNode n, String key, String path) {
    JsonNode v = n.get(key);
    if (v == null) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(path + "." + key + ": expected true or false");
    }
    return v.booleanValue();
  }

  private static BigDecimal decimal(JsonNode n, String key, String path) {
    JsonNode v = n.get(key);
    if (v == null || !v.isNumber()) {
      throw new IllegalArgumentException(path + "." + key + ": expected a number");
    }
    return v.decimalValue();
  }

  private static Object scalar(JsonNode v, String path) {
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isNumber()) {
      return v.decimalValue();
    }
    throw new IllegalArgumentException(path + ": expected a string, number or boolean");
  }

  private static Comparison comparison(JsonNode n, String path) {
    String op = text(n, "op", path);
    return Comparison.fromKey(op).orElseThrow(() ->
        new IllegalArgumentException(path + ".op: expected eq, ne, gt, ge, lt or le, not \"" + op + "\""));
  }

  private static Channel channel(String key, String path) {
    return Channel.fromKey(key).filter(c -> c.key().equals(key)).orElseThrow(() ->
        new IllegalArgumentException(path + ": expected email, sms or push, not \"" + key + "\""));
  }

  private static Duration window(String text, String path) {
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(path + ": expected an ISO-8601 duration such as P60D or PT12H, not \"" + text + "\"", e);
    }
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String key, String path) {
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(Locale.ROOT).equals(key)) {
        return e;
      }
    }
    List<String> keys = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      keys.add(e.name().toLowerCase(Locale.ROOT));
    }
    throw new IllegalArgumentException(path + ": expected one of " + keys + ", not \"" + key + "\"");
  }
}
