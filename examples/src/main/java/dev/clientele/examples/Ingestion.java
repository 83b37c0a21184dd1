package dev.clientele.examples;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clientele.Clientele;
import dev.clientele.core.Event;
import dev.clientele.IngestResult;
import dev.clientele.IngestStats;
import dev.clientele.core.ProfileId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One run of an events file through a new {@link Clientele} (in memory, or on a {@code --jdbc}
 * database): read, ingest, count.
 *
 * <p>Profiles get sequential ids ({@code p-00000001}, … in creation order) instead of the
 * library's random ones, so that the same file gives byte-identical output on every run.
 */
final class Ingestion implements AutoCloseable {
  private final Clientele clientele;
  private final Optional<Database> database;
  private final EventReader.Result read;
  private final long rejectedEvents;
  private final List<EventReader.Rejection> libraryRejections;
  private final List<EventReader.Rejection> problems;
  private final long problemCount;
  private final long afterCutoff;
  private final Optional<Instant> latest;

  private Ingestion(
      Clientele clientele,
      Optional<Database> database,
      EventReader.Result read,
      long rejectedEvents,
      List<EventReader.Rejection> libraryRejections,
      List<EventReader.Rejection> problems,
      long problemCount,
      long afterCutoff,
      Optional<Instant> latest) {
    this.problemCount = problemCount;
    this.afterCutoff = afterCutoff;
    this.latest = latest;
    this.clientele = clientele;
    this.database = database;
    this.read = read;
    this.rejectedEvents = rejectedEvents;
    this.libraryRejections = libraryRejections;
    this.problems = problems;
  }

  /** Profile ids {@code p-00000001}, {@code p-00000002}, … */
  static Supplier<ProfileId> sequentialIds() {
    AtomicLong next = new AtomicLong();
    return () -> ProfileId.of(String.format(Locale.ROOT, "p-%08d", next.incrementAndGet()));
  }

  /**
   * Reads {@code events} and ingests every valid event in file order.
   *
   * @throws CliException if the file cannot be read
   */
  static Ingestion run(Path events, ConfigReader.Config config) throws CliException {
    return run(events, config, Optional.empty());
  }

  /**
   * Reads {@code events} and ingests, in file order, every valid event before {@code cutoff}
   * (all when empty); later events are counted in {@link #afterCutoff()}, not ingested. Because
   * ingestion does not depend on event order, this is the state as of the cutoff.
   *
   * @throws CliException if the file cannot be read
   */
  static Ingestion run(Path events, ConfigReader.Config config, Optional<Instant> cutoff) throws CliException {
    return run(events, config, cutoff, Optional.empty());
  }

  /**
   * As {@link #run(Path, ConfigReader.Config, Optional)}, on {@code database} when present
   * (closed with this run). A database may hold profiles from earlier runs, so its profiles get
   * the library's random ids rather than sequential ones.
   */
  static Ingestion run(Path events, ConfigReader.Config config, Optional<Instant> cutoff, Optional<Database> database)
      throws CliException {
    Clientele.Builder builder =
        Clientele.builder()
            .identityRules(config.identity())
            .activityRules(config.activity())
            .revenueRules(config.revenue())
            .reachabilityPolicy(config.reachability())
            .activityThresholds(config.activityThresholds())
            .engagementThresholds(config.engagementThresholds());
    if (!config.segments().isEmpty()) {
      dev.clientele.segments.SegmentConfig.Builder segments =
          dev.clientele.segments.SegmentConfig.builder().defineAll(config.segments());
      database.ifPresent(db -> segments.membershipStore(db.membershipStore()));
      builder.segments(segments.build());
    }
    if (database.isPresent()) {
      builder.storage(database.get().storage()).erasurePolicy(database.get().erasurePolicy());
    } else {
      builder.profileIds(sequentialIds());
    }
    Clientele clientele = builder.build();
    long[] after = {0};
    Instant[] latest = {null};
    long[] rejected = {0};
    long[] problemCount = {0};
    List<EventReader.Rejection> rejections = new ArrayList<>();
    List<EventReader.Rejection> problems = new ArrayList<>();
    EventReader.Result read;
    // Events go to Clientele in batches (one commit per batch on a database); each result comes
    // back in order and is matched to its line.
    List<Event> batch = new ArrayList<>();
    List<Long> lines = new ArrayList<>();
    Runnable flush = () -> {
      int[] i = {0};
      clientele.ingestAll(batch, r -> {
        long line = lines.get(i[0]++);
        if (r.outcome() == IngestResult.Outcome.REJECTED) {
          rejected[0]++;
          if (rejections.size() < EventReader.MAX_REASONS) {
            rejections.add(new EventReader.Rejection(line, String.join("; ", r.problems())));
          }
        } else if (!r.problems().isEmpty()) {
          // Only accepted events' problems: the library's problems count also holds the reasons
          // of rejected events, which "rejected" counts already.
          problemCount[0] += r.problems().size();
          for (String p : r.problems()) {
            if (problems.size() < EventReader.MAX_REASONS) {
              problems.add(new EventReader.Rejection(line, p));
            }
          }
        }
      });
      batch.clear();
      lines.clear();
    };
    try {
      read = EventReader.read(events, (event, line) -> {
        if (cutoff.isPresent() && !event.timestamp().isBefore(cutoff.get())) {
          after[0]++;
          return;
        }
        if (latest[0] == null || event.timestamp().isAfter(latest[0])) {
          latest[0] = event.timestamp();
        }
        batch.add(event);
        lines.add(line);
        if (batch.size() >= Clientele.DEFAULT_BATCH_SIZE) {
          flush.run();
        }
      });
      flush.run();
    } catch (CliException | RuntimeException e) {
      clientele.close();
      database.ifPresent(Database::close);
      throw e;
    }
    return new Ingestion(clientele, database, read, rejected[0], rejections, problems, problemCount[0], after[0], Optional.ofNullable(latest[0]));
  }

  /** Valid events left out because they were at or after the cutoff. */
  long afterCutoff() {
    return afterCutoff;
  }

  /** The timestamp of the latest event ingested, if any. */
  Optional<Instant> latest() {
    return latest;
  }

  /** Closes the store (and the database, if any). */
  @Override
  public void close() {
    clientele.close();
    database.ifPresent(Database::close);
  }

  Clientele clientele() {
    return clientele;
  }

  EventReader.Result read() {
    return read;
  }

  IngestStats stats() {
    return clientele.stats();
  }

  /** Lines rejected by the reader plus events rejected by the library. */
  long rejected() {
    return read.rejectedLines() + rejectedEvents;
  }

  /** The first rejections of either kind, in line order. */
  List<EventReader.Rejection> rejections() {
    List<EventReader.Rejection> all = new ArrayList<>(read.reasons());
    all.addAll(libraryRejections);
    all.sort(Comparator.comparingLong(EventReader.Rejection::line));
    return all.subList(0, Math.min(all.size(), EventReader.MAX_REASONS));
  }

  /**
   * Puts the counts of this run into {@code json}: {@code events} (non-blank lines),
   * {@code applied}, {@code duplicates}, {@code rejected} ({@code rejectedLines} +
   * {@code rejectedEvents}), {@code problems} (pieces of
   * accepted events not applied, not the reasons of rejected events), {@code merges}, {@code linksRefused},
   * {@code profilesErased}; the operational counts {@code blockedIdentifiers},
   * {@code malformedIdentifiers}, {@code replaysBlocked}, {@code identifierCapRefusals},
   * {@code mergeCapRefusals}, {@code batchFallbacks}, {@code retries}, {@code storageFailures},
   * {@code commitsRecovered}, {@code writesGaveUp} ({@link IngestStats.Details}); the normalisation
   * cache's figures as {@code normalizationCache} ({@code hits}, {@code misses}, {@code evictions},
   * {@code entries}, {@code estimatedBytes}); and the first
   * {@code rejectedReasons} and {@code problemExamples} as {@code "line N: why"}.
   */
  void putCounts(ObjectNode json) {
    IngestStats s = stats();
    json.put("events", read.lines());
    json.put("applied", s.applied());
    json.put("duplicates", s.duplicates());
    json.put("rejected", rejected());
    json.put("rejectedLines", read.rejectedLines());
    json.put("rejectedEvents", rejectedEvents);
    json.put("problems", problemCount);
    json.put("merges", s.profilesMerged());
    json.put("linksRefused", s.linksRefused());
    json.put("profilesErased", s.profilesErased());
    IngestStats.Details d = s.details();
    json.put("blockedIdentifiers", d.blockedIdentifiers());
    json.put("malformedIdentifiers", d.malformedIdentifiers());
    json.put("replaysBlocked", d.replaysBlocked());
    json.put("identifierCapRefusals", d.identifierCapRefusals());
    json.put("mergeCapRefusals", d.mergeCapRefusals());
    json.put("batchFallbacks", d.batchFallbacks());
    json.put("retries", s.retries());
    json.put("storageFailures", d.storageFailures());
    json.put("commitsRecovered", d.commitsRecovered());
    json.put("writesGaveUp", d.writesGaveUp());
    dev.clientele.identity.NormalizationCacheStats cache = clientele.normalizationCacheStats();
    ObjectNode cacheJson = json.putObject("normalizationCache");
    cacheJson.put("hits", cache.hits());
    cacheJson.put("misses", cache.misses());
    cacheJson.put("evictions", cache.evictions());
    cacheJson.put("entries", cache.entries());
    cacheJson.put("estimatedBytes", cache.estimatedBytes());
    List<dev.clientele.segments.Segment> segments = clientele.segments().config().segments();
    if (!segments.isEmpty()) {
      Instant asOf = latest.orElseGet(() -> clientele.clock().instant());
      ObjectNode counts = json.putObject("segments");
      for (dev.clientele.segments.Segment seg : segments) {
        counts.put(seg.name(), clientele.segments().count(seg, asOf));
      }
    }
  }

  /** Puts {@code rejectedReasons} and {@code problemExamples} into {@code json}. */
  void putReasons(ObjectNode json) {
    ArrayNode reasons = json.putArray("rejectedReasons");
    rejections().forEach(r -> reasons.add(r.toString()));
    ArrayNode examples = json.putArray("problemExamples");
    problems.forEach(r -> examples.add(r.toString()));
  }
}
