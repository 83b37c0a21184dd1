package dev.clientele.examples;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clientele.Clientele;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Pii;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileSearch;
import dev.clientele.core.ProfileSort;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code clientele demo}: seeded sample data through the whole flow.
 *
 * <p>Generates the {@link SampleGenerator} sample, writes it to {@code events.jsonl} and the
 * config it runs with to {@code config.json}, reads both back through the same path as
 * {@code clientele profiles} (so running {@code profiles --config config.json} on it gives the same
 * {@code profiles.jsonl}), and writes {@code profiles.jsonl} and {@code report.json}. The sample's
 * orders are in US dollars and pounds sterling, so the config reports revenue in US dollars with
 * an illustrative fixed rate for pounds ({@link #GBP_IN_USD}): amounts in two currencies are never
 * added as if they were one. Prints the report without its detail lists (rejection reasons, problem
 * examples, identifier counts).
 */
final class Demo {
  static final String EVENTS = "events.jsonl";
  static final String PROFILES = "profiles.jsonl";
  static final String REPORT = "report.json";
  static final String CONFIG = "config.json";
  /** The demo's fixed rate: one pound sterling in US dollars (illustrative, not a market rate). */
  static final String GBP_IN_USD = "1.27";
  static final String DEFAULT_OUT_DIR = "clientele-out";
  private static final int TOP = 5;

  private Demo() {}

  /** Runs the demo; returns the short report for stdout. */
  static ObjectNode run(Options o) throws CliException {
    Path dir = o.path("out-dir").orElse(o.workingDir().resolve(DEFAULT_OUT_DIR));
    long seed = o.longValue("seed").orElse(SampleGenerator.DEFAULT_SEED);
    Path eventsFile = dir.resolve(EVENTS);
    Path profilesFile = dir.resolve(PROFILES);
    Path reportFile = dir.resolve(REPORT);
    Path configFile = dir.resolve(CONFIG);

    SampleGenerator generator = new SampleGenerator(seed);
    List<Event> events = generator.events();
    try (Writer w = Cli.openForWrite(eventsFile)) {
      SampleGenerator.writeJsonl(events, w);
    } catch (IOException e) {
      throw new CliException("cannot write " + eventsFile + ": " + e.getMessage(), e);
    }

    try (Writer w = Cli.openForWrite(configFile)) {
      w.write("{\"revenue\": {\"currency\": \"USD\", \"rates\": {\"GBP\": " + GBP_IN_USD + "}}}\n");
    } catch (IOException e) {
      throw new CliException("cannot write " + configFile + ": " + e.getMessage(), e);
    }
    ConfigReader.Config config = ConfigReader.read(configFile);

    try (Ingestion run = Ingestion.run(eventsFile, config, java.util.Optional.empty(), Database.open(o))) {
      long written = Cli.writeProfiles(run, profilesFile, false);
      Clientele clientele = run.clientele();

      ObjectNode report = Json.object();
      report.put("seed", seed);
      report.put("people", generator.people());
      report.put("from", SampleGenerator.REFERENCE_DATE.minusDays(SampleGenerator.DAYS - 1L).toString());
      report.put("to", SampleGenerator.REFERENCE_DATE.toString());
      run.putCounts(report);
      report.put("profiles", written);
      long[] anonymous = {0};
      Map<String, Long> identifiers = new TreeMap<>();
      Map<String, Long> undeliverable = new TreeMap<>();
      Map<String, Long> consent = new TreeMap<>();
      ProfileWriter.forEach(clientele.storage(), p -> {
        if (p.isAnonymous()) {
          anonymous[0]++;
        }
        for (IdentifierState s : p.identifiers()) {
          identifiers.merge(s.type().name(), 1L, Long::sum);
          s.deliverability().reason().ifPresent(r -> undeliverable.merge(s.type().name() + ":" + r.key(), 1L, Long::sum));
          if (s.type().isMessaging()) {
            consent.merge(s.type().name() + ":" + s.consent().key(), 1L, Long::sum);
          }
        }
      });
      report.put("identifiedProfiles", written - anonymous[0]);
      report.put("anonymousProfiles", anonymous[0]);
      LocalDate lastDay = run.read().lastEvent().map(t -> LocalDate.ofInstant(t, ZoneOffset.UTC)).orElse(SampleGenerator.REFERENCE_DATE);
      report.set("mau", Cli.mauJson(clientele.mau(lastDay)));
      report.set("reach", Cli.reachJson(clientele.audience(), lastDay, 0));
      ArrayNode top = report.putArray("topByRevenue");
      for (Profile p : clientele.search(ProfileSearch.all().withSort(ProfileSort.REVENUE, true).withPage(0, TOP)).items()) {
        ObjectNode row = top.addObject();
        row.put("id", p.id().value());
        row.put("email", p.lastSeen(IdentifierType.EMAIL).map(s -> Pii.mask(s.identifier().value())).orElse(null));
        row.put("revenue", p.orders().revenue());
        row.put("currency", clientele.revenueRules().currency().orElse(null));
        row.put("orders", p.orders().orderCount());
        row.put("events", p.eventCount());
      }
      ObjectNode files = report.putObject("files");
      files.put("events", eventsFile.toString());
      files.put("config", configFile.toString());
      files.put("profiles", profilesFile.toString());
      files.put("report", reportFile.toString());

      ObjectNode full = report.deepCopy();
      run.putReasons(full);
      ObjectNode counts = full.putObject("identifiers");
      identifiers.forEach(counts::put);
      ObjectNode und = full.putObject("undeliverable");
      undeliverable.forEach(und::put);
      ObjectNode con = full.putObject("consent");
      consent.forEach(con::put);
      try (Writer w = Cli.openForWrite(reportFile)) {
        w.write(Json.pretty(full));
        w.write('\n');
      } catch (IOException e) {
        throw new CliException("cannot write " + reportFile + ": " + e.getMessage(), e);
      }
      return report;
    }
  }
}
