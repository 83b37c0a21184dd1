package dev.clientele.examples;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.clientele.core.Attribute;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.ProfileStore;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Writes profiles as JSON Lines or CSV, streaming them from the store page by page in id order.
 *
 * <h2>JSON Lines</h2>
 * One object per profile. The keys of the design come first and are never renamed:
 * {@code id}, {@code identifiers} (each {@code type}, {@code value}, {@code lastSeen} — ISO-8601
 * or null —, {@code deliverable}, {@code consent} {@code opt_in|opt_out|unknown}),
 * {@code attributes} (name &rarr; plain JSON value), {@code mergedFrom}, {@code eventCount}.
 * Added keys: per identifier {@code firstSeen}, {@code primary} (the identifier of its type most
 * recently seen in an active event: the one shown and, for email and phone, the only one that
 * may be messaged), {@code undeliverableReason} and {@code consentAt} (null when not set); per
 * profile {@code anonymous}, {@code createdAt}, {@code firstActive}, {@code lastActive},
 * {@code revenue}, {@code orderCount}, {@code tags}, {@code lists} (name &rarr;
 * {@code subscribed}, {@code subscribedAt}, {@code unsubscribedAt}) and {@code ccpaOptedOut}.
 *
 * <h2>CSV</h2>
 * A header row, then one row per profile. Columns: {@link #FIXED_COLUMNS}, then one column
 * {@code attributes.NAME} per attribute name present on any profile (sorted). The {@code email},
 * {@code phone} and {@code customer_id} columns show the profile's primary identifier of that
 * type. Cells that hold several values ({@code identifiers} as {@code type:value},
 * {@code merged_from}, {@code tags}, {@code lists} (subscribed lists only), list attributes)
 * join them with {@code |}; a {@code |} or {@code \} inside a value is preceded by {@code \}.
 * An attribute holding a map is written as JSON. Booleans are {@code true}/{@code false}, times
 * ISO-8601, absent values empty cells. A cell a spreadsheet would run as a formula (starting with
 * {@code =}, {@code @}, a tab, a carriage return, or {@code +}/{@code -} not followed by a plain
 * number such as an E.164 phone) is prefixed with {@code '}.
 */
final class ProfileWriter {
  /** The CSV columns before the attribute columns. */
  static final List<String> FIXED_COLUMNS =
      List.of(
          "id",
          "anonymous",
          "created_at",
          "first_active",
          "last_active",
          "event_count",
          "revenue",
          "order_count",
          "email",
          "email_deliverable",
          "email_consent",
          "phone",
          "phone_deliverable",
          "phone_consent",
          "customer_id",
          "identifiers",
          "merged_from",
          "tags",
          "lists");

  /** The prefix of attribute columns in CSV. */
  static final String ATTRIBUTE_PREFIX = "attributes.";

  private static final int PAGE = 1000;
  private static final Pattern NUMBER_LIKE = Pattern.compile("[+-][0-9][0-9 ().-]*");

  private ProfileWriter() {}

  /** Calls {@code action} for every profile in id order, reading {@code PAGE} at a time. */
  static void forEach(ProfileStore store, Consumer<Profile> action) {
    Optional<ProfileId> after = Optional.empty();
    while (true) {
      List<Profile> page = store.profiles(after, PAGE);
      page.forEach(action);
      if (page.size() < PAGE) {
        return;
      }
      after = Optional.of(page.get(page.size() - 1).id());
    }
  }

  /** Writes every profile of {@code store} as JSON Lines; returns how many. */
  static long writeJsonLines(ProfileStore store, Writer out) throws IOException {
    return writeJsonLines(store, p -> true, out);
  }

  /** Writes the profiles of {@code store} that pass {@code filter} as JSON Lines; returns how many. */
  static long writeJsonLines(ProfileStore store, java.util.function.Predicate<Profile> filter, Writer out) throws IOException {
    long[] n = {0};
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.setRootValueSeparator(null);
      IOException[] failure = {null};
      forEach(store, p -> {
        if (failure[0] != null || !filter.test(p)) {
          return;
        }
        try {
          writeProfile(g, p);
          g.writeRaw('\n');
          n[0]++;
        } catch (IOException e) {
          failure[0] = e;
        }
      });
      if (failure[0] != null) {
        throw failure[0];
      }
    }
    return n[0];
  }

  /** Writes one profile as a JSON object (see the class comment). */
  static void writeProfile(JsonGenerator g, Profile p) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", p.id().value());
    g.writeArrayFieldStart("identifiers");
    for (IdentifierState s : p.identifiers()) {
      g.writeStartObject();
      g.writeStringField("type", s.type().name());
      g.writeStringField("value", s.identifier().value());
      Json.writeTime(g, "lastSeen", s.lastSeen());
      g.writeBooleanField("deliverable", s.deliverability().isDeliverable());
      g.writeStringField("consent", s.consent().key());
      g.writeStringField("firstSeen", s.firstSeen().toString());
      g.writeBooleanField("primary", isPrimary(p, s));
      if (s.deliverability().reason().isPresent()) {
        g.writeStringField("undeliverableReason", s.deliverability().reason().get().key());
      } else {
        g.writeNullField("undeliverableReason");
      }
      Json.writeTime(g, "consentAt", s.consentAt());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("attributes");
    for (Attribute a : p.attributes().values()) {
      g.writeFieldName(a.name());
      Json.writeValue(g, a.value());
    }
    g.writeEndObject();
    g.writeArrayFieldStart("mergedFrom");
    for (ProfileId id : p.mergedFrom()) {
      g.writeString(id.value());
    }
    g.writeEndArray();
    g.writeNumberField("eventCount", p.eventCount());
    g.writeBooleanField("anonymous", p.isAnonymous());
    g.writeStringField("createdAt", p.createdAt().toString());
    Json.writeTime(g, "firstActive", p.firstActive());
    Json.writeTime(g, "lastActive", p.lastActive());
    g.writeNumberField("revenue", p.orders().revenue());
    g.writeNumberField("orderCount", p.orders().orderCount());
    g.writeArrayFieldStart("tags");
    for (String tag : p.tags()) {
      g.writeString(tag);
    }
    g.writeEndArray();
    g.writeObjectFieldStart("lists");
    for (ListSubscription l : p.lists().values()) {
      g.writeObjectFieldStart(l.list());
      g.writeBooleanField("subscribed", l.subscribed());
      Json.writeTime(g, "subscribedAt", l.subscribedAt());
      Json.writeTime(g, "unsubscribedAt", l.unsubscribedAt());
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeBooleanField("ccpaOptedOut", p.isCcpaOptedOut());
    g.writeEndObject();
  }

  private static boolean isPrimary(Profile p, IdentifierState s) {
    return p.lastSeen(s.type()).map(last -> last.identifier().equals(s.identifier())).orElse(false);
  }

  /**
   * Writes every profile of {@code store} as CSV with one column per name in
   * {@code attributeNames}; returns how many.
   */
  static long writeCsv(ProfileStore store, Collection<String> attributeNames, Writer out) throws IOException {
    return writeCsv(store, p -> true, attributeNames, out);
  }

  /** As {@link #writeCsv(ProfileStore, Collection, Writer)}, only the profiles that pass {@code filter}. */
  static long writeCsv(ProfileStore store, java.util.function.Predicate<Profile> filter, Collection<String> attributeNames,
      Writer out) throws IOException {
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
    FIXED_COLUMNS.forEach(schema::addColumn);
    List<String> attributeColumns = new ArrayList<>();
    for (String name : attributeNames) {
      attributeColumns.add(ATTRIBUTE_PREFIX + name);
      schema.addColumn(ATTRIBUTE_PREFIX + name);
    }
    long[] n = {0};
    CsvMapper mapper = new CsvMapper();
    try (SequenceWriter rows = mapper.writer(schema.build()).writeValues(out)) {
      IOException[] failure = {null};
      forEach(store, p -> {
        if (failure[0] != null || !filter.test(p)) {
          return;
        }
        try {
          rows.write(row(p, attributeNames));
          n[0]++;
        } catch (IOException e) {
          failure[0] = e;
        }
      });
      if (failure[0] != null) {
        throw failure[0];
      }
    }
    return n[0];
  }

  /** One CSV row: column name to cell text. */
  static Map<String, String> row(Profile p, Collection<String> attributeNames) {
    Map<String, String> row = new LinkedHashMap<>();
    row.put("id", p.id().value());
    row.put("anonymous", Boolean.toString(p.isAnonymous()));
    row.put("created_at", p.createdAt().toString());
    row.put("first_active", p.firstActive().map(Object::toString).orElse(""));
    row.put("last_active", p.lastActive().map(Object::toString).orElse(""));
    row.put("event_count", Long.toString(p.eventCount()));
    row.put("revenue", p.orders().revenue().toPlainString());
    row.put("order_count", Long.toString(p.orders().orderCount()));
    Optional<IdentifierState> email = p.lastSeen(IdentifierType.EMAIL);
    row.put("email", email.map(s -> s.identifier().value()).orElse(""));
    row.put("email_deliverable", email.map(s -> Boolean.toString(s.deliverability().isDeliverable())).orElse(""));
    row.put("email_consent", email.map(s -> s.consent().key()).orElse(""));
    Optional<IdentifierState> phone = p.lastSeen(IdentifierType.PHONE);
    row.put("phone", phone.map(s -> s.identifier().value()).orElse(""));
    row.put("phone_deliverable", phone.map(s -> Boolean.toString(s.deliverability().isDeliverable())).orElse(""));
    row.put("phone_consent", phone.map(s -> s.consent().key()).orElse(""));
    row.put("customer_id", p.lastSeen(IdentifierType.CUSTOMER_ID).map(s -> s.identifier().value()).orElse(""));
    row.put("identifiers", join(p.identifiers().stream().map(s -> s.type().name() + ":" + s.identifier().value()).toList()));
    row.put("merged_from", join(p.mergedFrom().stream().map(ProfileId::value).toList()));
    row.put("tags", join(List.copyOf(p.tags())));
    row.put("lists", join(p.lists().values().stream().filter(ListSubscription::subscribed).map(ListSubscription::list).toList()));
    for (String name : attributeNames) {
      row.put(ATTRIBUTE_PREFIX + name, p.attribute(name).map(a -> cell(a.value())).orElse(""));
    }
    row.replaceAll((k, v) -> neutralise(v));
    return row;
  }

  private static String cell(Object value) {
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof List<?> list) {
      return join(list.stream().map(ProfileWriter::cell).toList());
    }
    if (value instanceof Map<?, ?>) {
      try {
        return Json.MAPPER.writeValueAsString(value);
      } catch (IOException e) {
        throw new IllegalStateException("cannot write an attribute map as JSON", e);
      }
    }
    return String.valueOf(value);
  }

  /** Joins values with {@code |}, escaping {@code |} and {@code \} inside them with {@code \}. */
  static String join(List<String> values) {
    StringBuilder b = new StringBuilder();
    boolean first = true;
    for (String v : values) {
      if (!first) {
        b.append('|');
      }
      first = false;
      b.append(v.replace("\\", "\\\\").replace("|", "\\|"));
    }
    return b.toString();
  }

  /** Splits a cell written by {@link #join}: the inverse of it. */
  static List<String> split(String cell) {
    List<String> out = new ArrayList<>();
    if (cell.isEmpty()) {
      return out;
    }
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < cell.length(); i++) {
      char c = cell.charAt(i);
      if (c == '\\' && i + 1 < cell.length()) {
        cur.append(cell.charAt(++i));
      } else if (c == '|') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  /** Prefixes a cell that a spreadsheet would evaluate as a formula with {@code '}. */
  static String neutralise(String cell) {
    if (cell.isEmpty()) {
      return cell;
    }
    char c = cell.charAt(0);
    boolean risky =
        c == '=' || c == '@' || c == '\t' || c == '\r'
            || ((c == '+' || c == '-') && !NUMBER_LIKE.matcher(cell).matches());
    return risky ? "'" + cell : cell;
  }

  /** Whether {@code file} is named {@code *.csv} (any case). */
  static boolean isCsv(Path file) {
    return file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
  }
}
