package dev.clientele.benchmarks;

import dev.clientele.Clientele;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.ProfileId;
import dev.clientele.core.TimelineQuery;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import dev.clientele.storage.jdbc.JdbcStorage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A profile page's "newest 20 events" of one busy profile (a bot, a shared device:
 * {@code events} pageviews under one identifier), read as {@link Clientele#timeline} reads them
 * from the store ({@code EventStore.events(anchors, query)}: what the query needs), beside the
 * baseline of reading the whole timeline and keeping the newest 20 (what the SPI's default, and
 * the timeline before the query read, does); both at the store, without the facade's profile
 * read. On the in-memory store and on {@code JdbcStorage} over an in-memory H2 database
 * ({@code store}). Setup ingests the events once per trial and checks that the facade's timeline
 * and both reads agree; {@code -p events=3} shows a short timeline.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar TimelineBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TimelineBenchmark {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Identifier BOT = Identifier.of("customer_id", "bot-1");
  private static final TimelineQuery NEWEST_20 = TimelineQuery.all().newestFirst(20);

  /** {@code memory} or {@code h2}. */
  @Param({"memory", "h2"})
  public String store;

  /** Events of the one profile. */
  @Param({"100000"})
  public int events;

  private Storage storage;
  private Clientele clientele;
  private ProfileId bot;
  private List<Identifier> anchors;

  /** Opens the store and ingests the profile's events (one every 10 s, every 50th an hour late). */
  @Setup(Level.Trial)
  public void fill() {
    if (store.equals("h2")) {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL("jdbc:h2:mem:timeline-" + ProcessHandle.current().pid() + ";DB_CLOSE_DELAY=-1");
      storage = JdbcStorage.open(h2);
    } else {
      storage = new InMemoryStorage();
    }
    clientele = Clientele.builder().storage(storage)
        .erasurePolicy(ErasurePolicy.builder().salt("benchmark-salt-0123456789".getBytes(StandardCharsets.UTF_8)).build())
        .ingestBatchSize(500)
        .build();
    List<Event> all = new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      Instant at = T0.plusSeconds(10L * i).minusSeconds(i % 50 == 49 ? 3_600 : 0);
      all.add(Event.builder("pv-" + i, "pageview", at).identifier(BOT).build());
    }
    clientele.ingestAll(all);
    bot = clientele.profile(BOT).orElseThrow().id();
    anchors = List.of(BOT);
    List<Event> newest = clientele.timeline(bot, NEWEST_20);
    List<Event> expected = newest20FromWholeTimeline().stream().map(StoredEvent::event).toList();
    if (newest.size() != Math.min(20, events) || !newest.equals(expected)) {
      throw new IllegalStateException("the two reads disagree: " + newest.get(0).id() + " against " + expected.get(0).id());
    }
  }

  /** Closes the instance (and with it the store). */
  @TearDown(Level.Trial)
  public void close() {
    clientele.close();
  }

  /** The newest 20 as {@link Clientele#timeline} asks the store for them: the store reads what the query needs. */
  @Benchmark
  public List<StoredEvent> newest20() {
    return storage.events(anchors, NEWEST_20);
  }

  /** Baseline: the whole timeline read, the newest 20 kept (the SPI default's work). */
  @Benchmark
  public List<StoredEvent> newest20FromWholeTimeline() {
    return dev.clientele.core.internal.Timelines.select(storage.events(anchors), NEWEST_20);
  }
}
