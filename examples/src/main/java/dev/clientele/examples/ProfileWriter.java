package dev.clientele.examples;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.clientele.core.Attribute;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.ProfileStore;
import dev.clientele.export.CsvOptions;
import dev.clientele.export.ExportRequest;
import dev.clientele.export.FormulaGuard;
import dev.clientele.export.MultiValues;
import dev.clientele.export.Preset;
import dev.clientele.export.ProfileColumn;
import dev.clientele.export.ProfileExporter;
import dev.clientele.export.ProfileSource;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Writes profiles as JSON Lines or CSV, streaming them from the store page by page in id order.
 *
 * <h2>JSON Lines</h2>
 * One object per profile. The keys of the design come first and are never renamed:
 * {@code id}, {@code identifiers} (each {@code type}, {@code value}, {@code lastSeen} — ISO-8601
 * or null —, {@code deliverable}, {@code consent} {@code opt_in|opt_out|unknown}),
 * {@code attributes} (name &rarr; plain JSON value), {@code mergedFrom}, {@code eventCount}.
 * Added keys: per identifier {@code firstSeen}, {@code linkedAt} (when it was linked to the
 * profile: what windowed identity limits count), {@code primary} (the identifier of its type most
 * recently seen in an active event: the one shown and, for email and phone, the only one that
 * may be messaged), {@code undeliverableReason} and {@code consentAt} (null when not set); per
 * profile {@code anonymous}, {@code createdAt}, {@code firstActive}, {@code lastActive},
 * {@code revenue}, {@code orderCount}, {@code tags}, {@code lists} (name &rarr;
 * {@code subscribed}, {@code subscribedAt}, {@code unsubscribedAt}) and {@code ccpaOptedOut}.
 *
 * <h2>CSV</h2>
 * Written by the export module ({@link ProfileExporter}): a header row, then one row per
 * profile, LF line ends. Columns: {@link #FIXED_COLUMNS} ({@link Preset#profilesCsvColumns()}),
 * then one column {@code attributes.NAME} per attribute name present on any profile (sorted).
 * The {@code email}, {@code phone} and {@code customer_id} columns show the profile's primary
 * identifier of that type. Cells that hold several values ({@code identifiers} as
 * {@code type:value}, {@code merged_from}, {@code tags}, {@code lists} (subscribed lists only),
 * list attributes) use the {@link MultiValues} encoding: joined with {@code |}, a {@code |} or
 * {@code \} inside a value preceded by {@code \}. An attribute holding a map is written as JSON.
 * Booleans are {@code true}/{@code false}, times ISO-8601, absent values empty cells. Formula-like
 * cells are neutralised by {@link FormulaGuard#PREFIX}: a cell starting with {@code =},
 * {@code @}, a tab, a carriage return, or {@code +}/{@code -} not followed by a plain number
 * such as an E.164 phone, is prefixed with {@code '}.
 */
final class ProfileWriter {
  /** The CSV columns before the attribute columns. */
  static final List<String> FIXED_COLUMNS = Preset.profilesCsvColumns().stream().map(ProfileColumn::name).toList();

  /** How the CSV is written: comma, LF, {@link FormulaGuard#PREFIX}. */
  static final CsvOptions CSV = CsvOptions.builder().lineSeparator("\n").formulaGuard(FormulaGuard.PREFIX).build();

  private static final int PAGE = 1000;

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
      g.writeStringField("linkedAt", s.linkedAt().toString());
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
  static long writeCsv(ProfileStore store, Collection<String> attributeNames, OutputStream out) {
    return writeCsv(store, p -> true, attributeNames, out);
  }

  /** As {@link #writeCsv(ProfileStore, Collection, OutputStream)}, only the profiles that pass {@code filter}. */
  static long writeCsv(ProfileStore store, java.util.function.Predicate<Profile> filter, Collection<String> attributeNames,
      OutputStream out) {
    List<ProfileColumn> columns = new ArrayList<>(Preset.profilesCsvColumns());
    attributeNames.forEach(name -> columns.add(ProfileColumn.attribute(name)));
    ExportRequest request = ExportRequest.builder().columns(columns).csvOptions(CSV).build();
    return ProfileExporter.write(request, ProfileSource.matching(store, filter), out).rowsWritten();
  }

  /** Whether {@code file} is named {@code *.csv} (any case). */
  static boolean isCsv(Path file) {
    return file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
  }
}
