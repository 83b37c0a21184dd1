package dev.clientele.examples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clientele.analytics.ActivityStatus;
import dev.clientele.analytics.ActivityStatusCounts;
import dev.clientele.analytics.MauCount;
import dev.clientele.consent.AudienceCounts;
import dev.clientele.core.Channel;
import dev.clientele.core.FieldView;
import dev.clientele.core.Profile;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentJson;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The {@code clientele} command-line tool: try Clientele on your own event files.
 *
 * <pre>
 * clientele demo     [--out-dir DIR] [--seed N]
 * clientele profiles --events E.jsonl [--config C.json] [--segment S.json] --out P.jsonl|P.csv
 * clientele mau      --events E.jsonl --date YYYY-MM-DD [--config C.json]
 * clientele reach    --events E.jsonl [--date YYYY-MM-DD] [--config C.json]
 * clientele status   --events E.jsonl --date YYYY-MM-DD [--config C.json]
 * clientele clv      (--transactions T.csv | --summary S.csv) [--calibration-end YYYY-MM-DD]
 *                    [--model bgnbd|pareto|mbgnbd] [--time-unit day|week] [--out predictions.csv] [--force]
 * clientele export   --events E.jsonl --format csv|json|jsonl [--preset email|all] --out F
 *                    [--reachable email|sms|push] [--delimiter C|tab] [--formula-guard prefix|all|off]
 *                    [--date YYYY-MM-DD] [--config C.json] [--segment S.json]
 * clientele help
 * </pre>
 *
 * <p>demo, profiles, mau, reach, status and export also take {@code --jdbc URL [--jdbc-user U]
 * [--jdbc-password P] [--salt-file F]} to run on a PostgreSQL database or an H2 file (see {@link Database}).
 *
 * <p>Output on stdout is one JSON object (files named by {@code --out} or {@code --out-dir}
 * get the data); messages go to stderr. Exit codes: {@value #EXIT_OK} success,
 * {@value #EXIT_BAD_INPUT} bad arguments or bad input (nothing is printed on stdout),
 * {@value #EXIT_INTERNAL} an internal failure. Malformed lines of an events file are not fatal:
 * they are counted and reported (see {@link EventReader}). Without {@code --jdbc} every command
 * runs on a new in-memory store and nothing is kept between runs. The formats are described in the package documentation.
 */
public final class Cli {
  /** Exit code of a successful run. */
  public static final int EXIT_OK = 0;
  /** Exit code of an internal failure (a bug, or an I/O failure that is not the caller's). */
  public static final int EXIT_INTERNAL = 1;
  /** Exit code of bad arguments or bad input. */
  public static final int EXIT_BAD_INPUT = 2;

  /** The commands of the design that this version does not have yet. */
  static final List<String> NOT_YET = List.of();

  static final String USAGE =
      String.join(
          "\n",
          "usage: clientele <command> [options]",
          "",
          "commands:",
          "  demo     [--out-dir DIR] [--seed N]",
          "           generate seeded sample events, run them through Clientele and write",
          "           events.jsonl, profiles.jsonl and report.json to DIR (default ./clientele-out)",
          "  profiles --events E.jsonl [--config C.json] [--segment S.json] --out P.jsonl|P.csv",
          "           one line (or CSV row) per resulting profile; with --segment, only the members of",
          "           the segment defined in S.json, evaluated as of the latest event",
          "  mau      --events E.jsonl --date YYYY-MM-DD [--config C.json]",
          "           monthly active users as of the end of the date (UTC)",
          "  status   --events E.jsonl --date YYYY-MM-DD [--config C.json]",
          "           very active / active / occasional / sleeper profiles as of the end of the date",
          "  clv      (--transactions T.csv | --summary S.csv) [--calibration-end YYYY-MM-DD]",
          "           [--model bgnbd|pareto|mbgnbd] [--time-unit day|week] [--out predictions.csv] [--force]",
          "           fit purchase and spend models; predictions only for eligible data (or --force)",
          "  reach    --events E.jsonl [--date YYYY-MM-DD] [--config C.json]",
          "           reachable and unreachable profiles per channel as of the end of the date",
          "           (default: the day of the latest event)",
          "  export   --events E.jsonl --format csv|json|jsonl [--preset email|all] --out F",
          "           [--reachable email|sms|push] [--delimiter C|tab] [--formula-guard prefix|all|off]",
          "           [--date YYYY-MM-DD] [--config C.json] [--segment S.json]",
          "           a profile table: every customer fact (all, default) or the email only; --reachable",
          "           keeps customers reachable on that channel (mailing-list sync); activity status",
          "           as of --date (default: the day of the latest event); with --segment, only the",
          "           members of the segment defined in S.json, evaluated as of the latest event",
          "  help     this text",
          "",
          "demo, profiles, mau, reach, status and export also take --jdbc URL [--jdbc-user U] [--jdbc-password P]",
          "[--salt-file F]: run on a PostgreSQL database or an H2 file (jdbc:h2:file:./clientele-db;MODE=PostgreSQL)",
          "instead of memory; the database keeps what was ingested for the next run. Its erasure salt (a secret",
          "of at least 16 bytes, the same on every run) comes from --salt-file or CLIENTELE_ERASURE_SALT.",
          "",
          "Events are JSON Lines: {\"id\":…,\"type\":…,\"action\":…,\"timestamp\":…,\"identifiers\":{…},\"data\":{…}}.",
          "stdout gets one JSON object; errors go to stderr; exit 2 = bad arguments or input, 1 = internal failure.");

  private Cli() {}

  /**
   * Runs the tool and exits with its exit code.
   *
   * @param args the command and its options
   */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    int code = run(args, out, err, Path.of("").toAbsolutePath());
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs one command. Never calls {@link System#exit}, so it can be called from tests or a host.
   *
   * @param args the command and its options
   * @param out receives the JSON result (or the usage text for {@code help})
   * @param err receives error messages
   * @param workingDir the directory that relative paths in {@code args} are resolved against
   * @return {@link #EXIT_OK}, {@link #EXIT_BAD_INPUT} or {@link #EXIT_INTERNAL}
   */
  public static int run(String[] args, PrintStream out, PrintStream err, Path workingDir) {
    if (args == null || args.length == 0) {
      err.println(USAGE);
      err.println();
      err.println("clientele: no command given");
      return EXIT_BAD_INPUT;
    }
    String command = args[0];
    try {
      switch (command) {
        case "help", "--help", "-h" -> {
          out.println(USAGE);
          return EXIT_OK;
        }
        case "demo" -> {
          Options o = Options.parse(command, args, Database.withOptions(Set.of("out-dir", "seed")), workingDir);
          out.println(Json.pretty(Demo.run(o)));
          return EXIT_OK;
        }
        case "profiles" -> {
          out.println(Json.pretty(profiles(Options.parse(command, args, Database.withOptions(Set.of("events", "config", "out", "segment")), workingDir))));
          return EXIT_OK;
        }
        case "status" -> {
          out.println(Json.pretty(status(Options.parse(command, args, Database.withOptions(Set.of("events", "date", "config")), workingDir), err)));
          return EXIT_OK;
        }
        case "clv" -> {
          out.println(Json.pretty(ClvCommand.run(Options.parse(command, args,
              Set.of("transactions", "summary", "calibration-end", "model", "time-unit", "out"), Set.of("force"), workingDir))));
          return EXIT_OK;
        }
        case "reach" -> {
          out.println(Json.pretty(reach(Options.parse(command, args, Database.withOptions(Set.of("events", "date", "config")), workingDir), err)));
          return EXIT_OK;
        }
        case "export" -> {
          out.println(Json.pretty(ExportCommand.run(Options.parse(command, args, ExportCommand.OPTIONS, workingDir))));
          return EXIT_OK;
        }
        case "mau" -> {
          out.println(Json.pretty(mau(Options.parse(command, args, Database.withOptions(Set.of("events", "date", "config")), workingDir), err)));
          return EXIT_OK;
        }
        default -> {
          if (NOT_YET.contains(command)) {
            err.println("clientele: command '" + command + "' is not implemented yet in this version"
                + " (available: demo, profiles, mau, reach, status, clv, export)");
          } else {
            err.println("clientele: unknown command '" + command + "' (see: clientele help)");
          }
          return EXIT_BAD_INPUT;
        }
      }
    } catch (CliException e) {
      err.println("clientele: " + e.getMessage());
      return EXIT_BAD_INPUT;
    } catch (RuntimeException e) {
      // Library messages mask personal data, so the message is safe to show.
      err.println("clientele: internal error: " + e.getClass().getName() + ": " + e.getMessage());
      return EXIT_INTERNAL;
    }
  }

  static ConfigReader.Config config(Options o) throws CliException {
    Optional<Path> path = o.path("config");
    return path.isPresent() ? ConfigReader.read(path.get()) : ConfigReader.Config.defaults();
  }

  private static ObjectNode profiles(Options o) throws CliException {
    Path events = o.requirePath("events");
    Path outFile = o.requirePath("out");
    if (outFile.equals(events)) {
      throw new CliException("--out must not be the events file: " + outFile);
    }
    ConfigReader.Config config = config(o);
    Optional<Segment> segment = segmentOption(o);
    boolean csv = ProfileWriter.isCsv(outFile);
    try (Ingestion run = Ingestion.run(events, config, Optional.empty(), Database.open(o))) {
      Instant asOf = run.latest().orElseGet(() -> run.clientele().clock().instant());
      Predicate<Profile> filter = segment.isPresent() ? run.clientele().segments().matcher(segment.get(), asOf) : p -> true;
      long written = writeProfiles(run, filter, outFile, csv);
      ObjectNode json = Json.object();
      json.put("profiles", written);
      if (segment.isPresent()) {
        json.put("segment", segment.get().name());
        json.put("segmentAsOf", asOf.toString());
      }
      run.putCounts(json);
      run.putReasons(json);
      json.put("out", outFile.toString());
      json.put("format", csv ? "csv" : "jsonl");
      return json;
    }
  }

  /**
   * The segment of {@code --segment FILE.json} (one segment object, or an array of exactly one),
   * if given.
   *
   * @throws CliException if the file cannot be read or is not a valid segment
   */
  static Optional<Segment> segmentOption(Options o) throws CliException {
    Optional<Path> path = o.path("segment");
    if (path.isEmpty()) {
      return Optional.empty();
    }
    try {
      List<Segment> all = SegmentJson.read(path.get());
      if (all.size() != 1) {
        throw new CliException("--segment file must define exactly one segment, found " + all.size() + ": " + path.get());
      }
      return Optional.of(all.get(0));
    } catch (java.io.UncheckedIOException e) {
      throw new CliException(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CliException("--segment: " + e.getMessage(), e);
    }
  }

  /** Writes the profiles of {@code run} to {@code file}, as CSV or JSON Lines; returns how many. */
  static long writeProfiles(Ingestion run, Path file, boolean csv) throws CliException {
    return writeProfiles(run, p -> true, file, csv);
  }

  /** Writes the profiles of {@code run} that pass {@code filter}; returns how many. */
  static long writeProfiles(Ingestion run, Predicate<Profile> filter, Path file, boolean csv) throws CliException {
    if (csv) {
      try (OutputStream out = openStream(file)) {
        return ProfileWriter.writeCsv(run.clientele().storage(), filter, run.clientele().fields(FieldView.ALL), out);
      } catch (IOException | UncheckedIOException e) {
        throw new CliException("cannot write " + file + ": " + e.getMessage(), e);
      }
    }
    try (Writer w = openForWrite(file)) {
      return ProfileWriter.writeJsonLines(run.clientele().storage(), filter, w);
    } catch (IOException e) {
      throw new CliException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Opens {@code file} for writing bytes (buffered), creating missing parent directories. */
  static OutputStream openStream(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
  }

  /** Opens {@code file} for writing (UTF-8), creating missing parent directories. */
  static BufferedWriter openForWrite(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  private static ObjectNode mau(Options o, PrintStream err) throws CliException {
    Path events = o.requirePath("events");
    LocalDate date = o.requireDate("date");
    ConfigReader.Config config = config(o);
    try (Ingestion run = Ingestion.run(events, config, Optional.empty(), Database.open(o))) {
      warnRejections(run, err);
      return mauJson(run.clientele().mau(date));
    }
  }

  private static ObjectNode status(Options o, PrintStream err) throws CliException {
    Path events = o.requirePath("events");
    LocalDate date = o.requireDate("date");
    ConfigReader.Config config = config(o);
    try (Ingestion run = Ingestion.run(events, config, Optional.of(date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()),
        Database.open(o))) {
      warnRejections(run, err);
      ObjectNode json = statusJson(run.clientele().activityStatus(date));
      ObjectNode engagement = json.putObject("engagement");
      run.clientele().engagementCounts(date).forEach((level, n) -> engagement.put(level.key(), n));
      return json;
    }
  }

  /** The documented status object: {@code date, very_active, active, occasional, sleeper}. */
  static ObjectNode statusJson(ActivityStatusCounts counts) {
    ObjectNode json = Json.object();
    json.put("date", counts.date().toString());
    for (ActivityStatus s : ActivityStatus.values()) {
      json.put(s.key(), counts.count(s));
    }
    return json;
  }

  private static ObjectNode reach(Options o, PrintStream err) throws CliException {
    Path events = o.requirePath("events");
    Optional<LocalDate> date = o.optionalDate("date");
    ConfigReader.Config config = config(o);
    Optional<Instant> cutoff = date.map(d -> d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    try (Ingestion run = Ingestion.run(events, config, cutoff, Database.open(o))) {
      warnRejections(run, err);
      LocalDate asOf = date.orElseGet(() -> run.latest().map(t -> LocalDate.ofInstant(t, ZoneOffset.UTC))
          .orElse(LocalDate.now(ZoneOffset.UTC)));
      return reachJson(run.clientele().audience(), asOf, run.afterCutoff());
    }
  }

  /**
   * The documented reach object: {@code total}, {@code channels} (each {@code reachable},
   * {@code unreachable}) and {@code reachableAny}; added: {@code date} and
   * {@code eventsAfterDate} (events left out because they came after the date).
   */
  static ObjectNode reachJson(AudienceCounts counts, LocalDate asOf, long eventsAfterDate) {
    ObjectNode json = Json.object();
    json.put("total", counts.total());
    ObjectNode channels = json.putObject("channels");
    for (Channel c : Channel.values()) {
      ObjectNode ch = channels.putObject(c.key());
      ch.put("reachable", counts.channels().get(c).reachable());
      ch.put("unreachable", counts.channels().get(c).unreachable());
    }
    json.put("reachableAny", counts.reachableAny());
    json.put("date", asOf.toString());
    json.put("eventsAfterDate", eventsAfterDate);
    return json;
  }

  /** The documented MAU object: {@code date, month, mau, identified, anonymous}. */
  static ObjectNode mauJson(MauCount m) {
    ObjectNode json = Json.object();
    json.put("date", m.date().toString());
    json.put("month", m.month().toString());
    json.put("mau", m.mau());
    json.put("identified", m.identified());
    json.put("anonymous", m.anonymous());
    return json;
  }

  private static void warnRejections(Ingestion run, PrintStream err) {
    if (run.rejected() > 0) {
      err.println("clientele: warning: " + run.rejected() + " of " + run.read().lines()
          + " events rejected; first: " + run.rejections().get(0));
    }
  }
}
