package dev.clientele.examples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clientele.core.Channel;
import dev.clientele.export.CsvOptions;
import dev.clientele.export.ExportFormat;
import dev.clientele.export.ExportRequest;
import dev.clientele.export.ExportSummary;
import dev.clientele.export.FormulaGuard;
import dev.clientele.export.Preset;
import dev.clientele.export.ProfileSource;
import dev.clientele.segments.Segment;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code clientele export}: ingest an events file, then write a profile table with the export
 * module, streamed.
 *
 * <pre>
 * clientele export --events E.jsonl --format csv|json|jsonl [--preset email|all] --out F
 *                  [--reachable email|sms|push] [--delimiter C|tab] [--formula-guard prefix|all|off]
 *                  [--date YYYY-MM-DD] [--config C.json] [--segment S.json] [--jdbc URL …]
 * </pre>
 *
 * <ul>
 *   <li>{@code --format}: {@code csv} (RFC 4180, header row, UTF-8, CRLF); {@code json} writes
 *       JSON Lines when {@code F} ends in {@code .jsonl} or {@code .ndjson} and one JSON array
 *       otherwise; {@code jsonl} always JSON Lines.
 *   <li>{@code --preset}: {@code all} (default, every customer fact: see
 *       {@link Preset#ALL_CUSTOMER_INFO}; with reachability per channel and activity status) or
 *       {@code email} (the last-seen email only; profiles without one are skipped and counted).
 *   <li>{@code --reachable CHANNEL}: only customers reachable on that channel (a mailing-list sync).
 *   <li>{@code --segment S.json}: only the members of the segment defined in the file (format:
 *       {@code SegmentJson}), evaluated as of the latest event; adds {@code segment} and
 *       {@code segmentAsOf} to the output.
 *   <li>{@code --delimiter}: one character, or {@code tab} (CSV only; default {@code ,}).
 *   <li>{@code --formula-guard}: how formula-like CSV cells are neutralised: {@code prefix}
 *       (default, {@link FormulaGuard#PREFIX}), {@code all} ({@link FormulaGuard#PREFIX_ALL}),
 *       {@code off}.
 *   <li>{@code --date}: activity status as of the end of that day (default: the day of the
 *       latest event).
 * </ul>
 *
 * <p>Prints {@code {"rows":N, "profiles":N, "skipped":{reason:N}, "format":…, "preset":…,
 * "out":…}} plus the ingest counts of every command.
 */
final class ExportCommand {
  static final Set<String> OPTIONS =
      Database.withOptions(Set.of(
          "events", "config", "format", "preset", "out", "reachable", "delimiter", "formula-guard", "date", "segment"));

  private ExportCommand() {}

  static ObjectNode run(Options o) throws CliException {
    Path events = o.requirePath("events");
    Path outFile = o.requirePath("out");
    if (outFile.equals(events)) {
      throw new CliException("--out must not be the events file: " + outFile);
    }
    ExportFormat format = format(o.require("format"), outFile);
    Preset preset = preset(o.get("preset").orElse("all"));
    Optional<Channel> reachable = o.get("reachable").isEmpty() ? Optional.empty() : Optional.of(channel(o.get("reachable").get()));
    CsvOptions csv = csvOptions(o);
    Optional<LocalDate> date = o.optionalDate("date");
    ConfigReader.Config config = Cli.config(o);
    Optional<Segment> segment = Cli.segmentOption(o);
    try (Ingestion run = Ingestion.run(events, config, Optional.empty(), Database.open(o))) {
      LocalDate asOf = date.orElseGet(() -> run.latest().map(t -> LocalDate.ofInstant(t, ZoneOffset.UTC))
          .orElse(LocalDate.now(ZoneOffset.UTC)));
      ExportRequest.Builder request = ExportRequest.builder().format(format).preset(preset).csvOptions(csv);
      if (preset == Preset.ALL_CUSTOMER_INFO) {
        request.computed(run.clientele().activityStatusValues(asOf).and(run.clientele().engagementValues(asOf)));
      }
      reachable.ifPresent(request::reachableOn);
      Instant segmentAsOf = run.latest().orElseGet(() -> run.clientele().clock().instant());
      segment.ifPresent(seg -> request.source(
          ProfileSource.matching(run.clientele().storage(), run.clientele().segments().matcher(seg, segmentAsOf))));
      ExportSummary summary;
      try (OutputStream out = Cli.openStream(outFile)) {
        summary = run.clientele().exportProfiles(request.build(), out);
      } catch (IOException | UncheckedIOException e) {
        throw new CliException("cannot write " + outFile + ": " + e.getMessage(), e);
      }
      ObjectNode json = Json.object();
      json.put("rows", summary.rowsWritten());
      json.put("profiles", summary.profilesRead());
      ObjectNode skipped = json.putObject("skipped");
      for (Map.Entry<String, Long> e : summary.skipped().entrySet()) {
        skipped.put(e.getKey(), e.getValue());
      }
      json.put("format", switch (format) {
        case CSV -> "csv";
        case JSON_LINES -> "jsonl";
        case JSON_ARRAY -> "json";
      });
      json.put("preset", preset == Preset.EMAIL_ONLY ? "email" : "all");
      reachable.ifPresent(c -> json.put("reachable", c.key()));
      segment.ifPresent(seg -> {
        json.put("segment", seg.name());
        json.put("segmentAsOf", segmentAsOf.toString());
      });
      if (preset == Preset.ALL_CUSTOMER_INFO) {
        json.put("activityDate", asOf.toString());
      }
      json.put("out", outFile.toString());
      run.putCounts(json);
      run.putReasons(json);
      return json;
    }
  }

  static ExportFormat format(String value, Path outFile) throws CliException {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "csv" -> ExportFormat.CSV;
      case "jsonl" -> ExportFormat.JSON_LINES;
      case "json" -> {
        String name = outFile.getFileName() == null ? "" : outFile.getFileName().toString().toLowerCase(Locale.ROOT);
        yield name.endsWith(".jsonl") || name.endsWith(".ndjson") ? ExportFormat.JSON_LINES : ExportFormat.JSON_ARRAY;
      }
      default -> throw new CliException("--format must be csv, json or jsonl: " + value);
    };
  }

  static Preset preset(String value) throws CliException {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "email" -> Preset.EMAIL_ONLY;
      case "all" -> Preset.ALL_CUSTOMER_INFO;
      default -> throw new CliException("--preset must be email or all: " + value);
    };
  }

  static Channel channel(String value) throws CliException {
    Optional<Channel> c = Channel.fromKey(value);
    if (c.isEmpty()) {
      throw new CliException("--reachable must be email, sms or push: " + value);
    }
    return c.get();
  }

  static CsvOptions csvOptions(Options o) throws CliException {
    CsvOptions.Builder b = CsvOptions.builder();
    Optional<String> delimiter = o.get("delimiter");
    if (delimiter.isPresent()) {
      String d = delimiter.get();
      char c;
      if (d.equalsIgnoreCase("tab")) {
        c = '\t';
      } else if (d.length() == 1) {
        c = d.charAt(0);
      } else {
        throw new CliException("--delimiter must be one character or 'tab': " + d);
      }
      try {
        b.delimiter(c);
        b.build();
      } catch (IllegalArgumentException e) {
        throw new CliException("--" + e.getMessage(), e);
      }
    }
    Optional<String> guard = o.get("formula-guard");
    if (guard.isPresent()) {
      b.formulaGuard(switch (guard.get().toLowerCase(Locale.ROOT)) {
        case "prefix" -> FormulaGuard.PREFIX;
        case "all" -> FormulaGuard.PREFIX_ALL;
        case "off" -> FormulaGuard.OFF;
        default -> throw new CliException("--formula-guard must be prefix, all or off: " + guard.get());
      });
    }
    return b.build();
  }
}
