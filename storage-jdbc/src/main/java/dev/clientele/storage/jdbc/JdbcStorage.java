package dev.clientele.storage.jdbc;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.TimelineQuery;
import dev.clientele.core.internal.Arguments;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.OwnedProfiles;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StorageException;
import dev.clientele.core.spi.StoredEvent;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;

/**
 * The storage SPI on JDBC: PostgreSQL in production, H2 in PostgreSQL mode for embedded use.
 *
 * <pre>{@code
 * HikariDataSource pool = new HikariDataSource(config);      // the host's pool
 * try (Clientele clientele = Clientele.builder()
 *     .storage(JdbcStorage.open(pool))
 *     .erasurePolicy(ErasurePolicy.builder().salt(secretSalt).build())  // the same on every start
 *     .build()) {
 *   clientele.ingest(event);
 * }
 * }</pre>
 *
 * <h2>Schema</h2>
 * {@link #open(DataSource)} creates or upgrades the schema with the versioned SQL scripts in
 * this jar (table {@code clientele_schema_version} records which ran). Profiles and events are
 * stored as compact binary blobs beside the columns that are queried: the primary keys on
 * profile id, identifier (type, value), event id and tombstone hash, an index on the event's
 * anchor identifier and time (a timeline is one index range per identifier) and one on the
 * owner of an identifier. Every lookup is therefore an index probe, O(log n).
 *
 * <h2>Transactions, isolation and locking</h2>
 * Each {@link #commit(Commit)} is one transaction at the connection's isolation level, which
 * is {@code READ COMMITTED} unless the host's pool sets another (setting it on every commit
 * would cost PostgreSQL a round trip each time). Nothing relies on more: the expectations
 * are checked by the writes themselves, which lock the rows they touch until the transaction
 * ends: a profile update is {@code UPDATE … WHERE id = ? AND version = ?}, a delete likewise,
 * an index move is {@code UPDATE … WHERE owner = ?}, and a creation (of a profile, an index
 * entry or an event) is an {@code INSERT} that the primary key refuses if another transaction
 * got there first (the database makes the second inserter wait for the first to end). A write
 * that changes no row, or a key violation, aborts the transaction and throws
 * {@link CommitConflictException}. Rows are written in a fixed order (profiles, index entries,
 * events, each sorted by key) so that two commits lock in the same order; a deadlock or
 * serialisation failure the database still reports is also turned into a
 * {@code CommitConflictException}, because nothing was applied and a retry is the cure (so a
 * pool set to {@code REPEATABLE READ} or {@code SERIALIZABLE} also works, with more retries). Events
 * are inserted with one JDBC batch per commit, so a commit with many appends (bulk ingest) is
 * one round trip per batch of rows rather than one per event.
 *
 * <h2>Reads</h2>
 * Each read method is a single SQL statement, so it sees one committed state (a statement
 * snapshot); {@link #owners} and {@link #events} with more than {@value #CHUNK} keys read their
 * chunks in one {@code REPEATABLE READ} read-only transaction. Orders that the SPI defines
 * (profile ids, {@link StoredEvent#TIMELINE_ORDER}) are those of Java's {@code String}: ids use
 * the {@code "C"} collation on PostgreSQL, and timelines are sorted after they are read.
 * {@link #allEvents()} streams through a cursor inside a {@code REPEATABLE READ} transaction,
 * so it sees one consistent state; the caller must close the stream (try-with-resources), which
 * returns the connection. The connection also goes back as soon as the cursor is exhausted or
 * fails; but a stream abandoned part-way without {@code close()} keeps its connection, and on
 * PostgreSQL an open read-only transaction, until it is closed (nothing in JDBC notices an
 * abandoned stream; a pool's leak detection, such as HikariCP's {@code leakDetectionThreshold},
 * reports it). {@link #eventCount()}, {@link #profileCount()} and {@link #tombstoneCount()} count
 * rows exactly (a scan of an index on PostgreSQL: fine for reports, not for a hot path; nothing
 * in the ingest path calls them). They are statements like any other, so on tables of hundreds
 * of millions of rows a count can outlast the statement timeout: give a store used for such
 * reports a longer {@link Builder#statementTimeout}.
 *
 * <h2>Failures</h2>
 * Every statement but the {@link #allEvents()} cursor and the schema migration of
 * {@link #open(DataSource)} (which waits for other nodes' migrations) has a query timeout
 * ({@link Builder#statementTimeout}, 30 seconds unless set), waits for row locks included (on
 * PostgreSQL), so a row lock another transaction keeps cannot hold a call for longer.
 * An {@link SQLException} that is not a conflict becomes a {@link StorageException}; the
 * transaction is rolled back, so nothing was applied, except when the connection breaks during
 * the final {@code COMMIT}, when the caller cannot tell (the ingest pipeline re-reads and
 * retries, which is safe because appends are idempotent by event id).
 *
 * <h2>A process killed mid-work</h2>
 * A commit is one transaction, so a process killed at any moment (kill -9, out of memory, a
 * container stop) leaves every commit whole or absent; after a restart on the same database,
 * replaying the input (at-least-once delivery) reports what was stored as duplicates and ends
 * where an uninterrupted run would. What the kill interrupted between two commits is caught up:
 * a merged-away or erased profile's segment memberships by the first
 * {@link dev.clientele.segments.Segments#refresh} after the restart (see
 * {@link JdbcMembershipStore}), a {@code gdpr_delete} by its replay. What a commit's return
 * promises depends on the database: PostgreSQL (with its default {@code fsync} and
 * {@code synchronous_commit}) has it on disk; an <b>H2 file</b> writes committed transactions
 * in the background, {@code WRITE_DELAY} (500 ms) after the commit by default, so a process
 * killed within that delay opens again without its last commits (whole transactions, and always
 * a prefix of them in commit order). A host that tells its source an event is processed once
 * {@code ingest} returns adds {@code ;WRITE_DELAY=0} to the H2 URL (each commit then reaches
 * the file before it returns, at some cost to ingest rate; a power cut can still lose it, as H2
 * does not sync the file on each commit), or replays from its source after a restart.
 *
 * <h2>Erasure</h2>
 * Erased rows are deleted in the commit's transaction. A merge record redacted by a commit
 * ({@link Commit#mergeRecordRedactions()}) is read with {@code SELECT … FOR UPDATE}, checked, and
 * its body rewritten in place, so its {@code seq} (its position in the log) does not change. PostgreSQL keeps dead row versions until
 * {@code VACUUM}, and its write-ahead log and any replicas or backups keep them longer: a host
 * that must prove erasure runs (auto)vacuum and purges those per its retention policy.
 *
 * <p>Thread-safe: each call borrows a connection from the {@link DataSource} and returns it
 * before it returns or throws ({@link #allEvents()}: when its stream is exhausted, fails or is
 * closed), on every path,
 * a failure or an {@link Error} included: with every statement and result set closed, no
 * transaction open, and the settings it was handed out with (auto-commit, isolation, read-only,
 * and on H2 the session's query timeout, which a statement's timeout sets), so the host's pool
 * gets back what it lent whether or not it resets connections. A failure inside a commit rolls
 * the transaction back whatever its kind; if the rollback fails too, the connection is
 * aborted (the pool discards it) rather than handed back with a transaction that may be open.
 * The data source (normally a pool) belongs to the host; {@link #close()} does not close it.
 */
public final class JdbcStorage implements Storage {
  /** Keys per {@code IN} list; larger reads are split into chunks read in one transaction. */
  static final int CHUNK = 500;

  /** The default of {@link Builder#statementTimeout}. */
  public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);

  private final DataSource dataSource;
  private final Dialect dialect;
  /** {@link Statement#setQueryTimeout} of every statement but the {@link #allEvents} cursor; 0 for none. */
  private final int timeoutSeconds;
  /** Set once a tombstone was seen; tombstones are never removed (see {@link #hasTombstones()}). */
  private volatile boolean tombstonesSeen;

  private JdbcStorage(DataSource dataSource, Dialect dialect, int timeoutSeconds) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.timeoutSeconds = timeoutSeconds;
  }

  /**
   * Opens storage on {@code dataSource}, creating or upgrading the schema first, with the
   * default settings ({@link Builder#statementTimeout} of 30 seconds).
   *
   * @param dataSource connections to a PostgreSQL or H2 database (H2 with {@code MODE=PostgreSQL}
   *     recommended); pooled for any real use
   * @throws IllegalArgumentException if the database is neither PostgreSQL nor H2
   * @throws IllegalStateException if the database's schema is newer than this library
   * @throws StorageException if the database cannot be reached or migrated
   */
  public static JdbcStorage open(DataSource dataSource) {
    return builder(dataSource).open();
  }

  /**
   * A builder for storage on {@code dataSource}, for settings other than the defaults of
   * {@link #open(DataSource)}.
   *
   * @param dataSource connections to a PostgreSQL or H2 database, as for {@link #open(DataSource)}
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Settings of a {@link JdbcStorage}; {@link #open()} makes the store, and may be called again for
   * another store with the same settings. Each setting may be set once. Not thread-safe.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private int statementTimeoutSeconds = (int) DEFAULT_STATEMENT_TIMEOUT.getSeconds();
    private boolean timeoutSet;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * How long one SQL statement of the store may take, waits for row locks included, before
     * the driver cancels it and the call fails with a {@link StorageException} (a commit then
     * applied nothing; see the class comment). JDBC counts whole seconds, so the value is rounded
     * up to one. {@link Duration#ZERO} means no limit. The default is 30 seconds.
     *
     * <p>Not limited: the cursor of {@link #allEvents()}, which streams the whole table for as
     * long as its reader takes, and the schema migration of {@link #open()}, which waits for
     * other nodes' migrations. Getting a connection from the pool and the network are limited by
     * the pool and driver settings, which belong to the host (HikariCP {@code connectionTimeout},
     * pgjdbc {@code socketTimeout}). Interrupting a thread does not end a JDBC call; this timeout
     * does. On H2 a wait for a row lock ends only at H2's own {@code LOCK_TIMEOUT} setting (a
     * {@link dev.clientele.core.spi.CommitConflictException}, which callers retry), not at this
     * timeout. A PostgreSQL {@code lock_timeout} the host sets on its connections is likewise
     * reported as a conflict and retried, whereas this timeout fails the call.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative or longer than {@link Integer#MAX_VALUE} seconds
     * @throws IllegalStateException if already set
     */
    public Builder statementTimeout(Duration timeout) {
      int seconds = StatementTimeout.seconds(timeout);
      if (timeoutSet) {
        throw new IllegalStateException("statement timeout was already set to " + statementTimeoutSeconds + " s");
      }
      this.statementTimeoutSeconds = seconds;
      this.timeoutSet = true;
      return this;
    }

    /**
     * Opens the store, creating or upgrading the schema first.
     *
     * @throws IllegalArgumentException if the database is neither PostgreSQL nor H2
     * @throws IllegalStateException if the database's schema is newer than this library
     * @throws StorageException if the database cannot be reached or migrated
     */
    public JdbcStorage open() {
      try (Connection c = dataSource.getConnection()) {
        Dialect dialect = Dialect.of(c);
        Migrations.migrate(c, dialect);
        return new JdbcStorage(dataSource, dialect, statementTimeoutSeconds);
      } catch (SQLException e) {
        throw new StorageException("could not open JDBC storage: " + describe(e), e);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Profiles

  @Override
  public Optional<Profile> profile(ProfileId id) {
    requireNonNull(id, "id");
    return read("read a profile", c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT body FROM clientele_profile WHERE id = ?")) {
        p.setString(1, id.value());
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(Codec.decodeProfile(rs.getBytes(1))) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<Profile> profiles(Optional<ProfileId> after, int limit) {
    requireNonNull(after, "after");
    checkArgument(limit >= 1, "limit must be >= 1: %s", limit);
    String sql = after.isPresent()
        ? "SELECT body FROM clientele_profile WHERE id > ? ORDER BY id LIMIT ?"
        : "SELECT body FROM clientele_profile ORDER BY id LIMIT ?";
    return read("read a page of profiles", c -> {
      try (PreparedStatement p = c.prepareStatement(sql)) {
        int i = 1;
        if (after.isPresent()) {
          p.setString(i++, after.get().value());
        }
        p.setInt(i, limit);
        try (ResultSet rs = p.executeQuery()) {
          List<Profile> page = new ArrayList<>(Math.min(limit, 1024));
          while (rs.next()) {
            page.add(Codec.decodeProfile(rs.getBytes(1)));
          }
          return page;
        }
      }
    });
  }

  @Override
  public long profileCount() {
    return count("SELECT COUNT(*) FROM clientele_profile");
  }

  // -------------------------------------------------------------------------------------------
  // Identity index

  @Override
  public Optional<ProfileId> owner(Identifier identifier) {
    requireNonNull(identifier, "identifier");
    return read("read an index entry", c -> {
      try (PreparedStatement p =
          c.prepareStatement("SELECT profile_id FROM clientele_identity WHERE id_type = ? AND id_value = ?")) {
        p.setString(1, identifier.type().name());
        p.setString(2, identifier.value());
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(ProfileId.of(rs.getString(1))) : Optional.empty();
        }
      }
    });
  }

  @Override
  public Map<Identifier, ProfileId> owners(Collection<Identifier> identifiers) {
    requireNonNull(identifiers, "identifiers");
    List<Identifier> keys = new ArrayList<>(new LinkedHashSet<>(Arguments.noNulls(identifiers, "identifiers")));
    Map<Identifier, ProfileId> found = new HashMap<>();
    if (keys.isEmpty()) {
      return found;
    }
    readChunked("read index entries", keys, (c, chunk) -> {
      String sql = "SELECT id_type, id_value, profile_id FROM clientele_identity WHERE (id_type, id_value) IN ("
          + pairs(chunk.size()) + ")";
      try (PreparedStatement p = c.prepareStatement(sql)) {
        bindPairs(p, chunk);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            found.put(Identifier.of(IdentifierType.of(rs.getString(1)), rs.getString(2)), ProfileId.of(rs.getString(3)));
          }
        }
      }
    });
    return found;
  }

  /**
   * {@inheritDoc} One query joining the index with the profiles, so both come from one
   * consistent state (one statement's snapshot; more identifiers than fit one statement are read
   * in one repeatable-read transaction, as by {@link #owners}).
   */
  @Override
  public OwnedProfiles ownedProfiles(Collection<Identifier> identifiers) {
    requireNonNull(identifiers, "identifiers");
    List<Identifier> keys = new ArrayList<>(new LinkedHashSet<>(Arguments.noNulls(identifiers, "identifiers")));
    if (keys.isEmpty()) {
      return OwnedProfiles.none();
    }
    Map<Identifier, ProfileId> owners = new HashMap<>();
    Map<ProfileId, Profile> profiles = new HashMap<>();
    readChunked("read index entries and their profiles", keys, (c, chunk) -> {
      String sql = "SELECT i.id_type, i.id_value, i.profile_id, p.body FROM clientele_identity i"
          + " LEFT JOIN clientele_profile p ON p.id = i.profile_id WHERE (i.id_type, i.id_value) IN ("
          + pairs(chunk.size()) + ")";
      try (PreparedStatement p = c.prepareStatement(sql)) {
        bindPairs(p, chunk);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            ProfileId owner = ProfileId.of(rs.getString(3));
            owners.put(Identifier.of(IdentifierType.of(rs.getString(1)), rs.getString(2)), owner);
            byte[] body = rs.getBytes(4);
            if (body != null && !profiles.containsKey(owner)) {
              profiles.put(owner, Codec.decodeProfile(body));
            }
          }
        }
      }
    });
    return OwnedProfiles.of(owners, profiles);
  }

  // -------------------------------------------------------------------------------------------
  // Events

  @Override
  public boolean containsEvent(String eventId) {
    requireNonNull(eventId, "eventId");
    return read("look up an event id", c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM clientele_event WHERE event_id = ?")) {
        p.setString(1, eventId);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /** One read by the event id's key (the anchor is compared in the same row), not the anchor's timeline. */
  @Override
  public boolean containsEventAt(String eventId, Identifier anchor) {
    requireNonNull(eventId, "eventId");
    requireNonNull(anchor, "anchor");
    return read("look up an event id and its anchor", c -> {
      try (PreparedStatement p = c.prepareStatement(
          "SELECT 1 FROM clientele_event WHERE event_id = ? AND anchor_type = ? AND anchor_value = ?")) {
        p.setString(1, eventId);
        p.setString(2, anchor.type().name());
        p.setString(3, anchor.value());
        try (ResultSet rs = p.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  @Override
  public java.util.Set<String> containedEvents(Collection<String> eventIds) {
    requireNonNull(eventIds, "eventIds");
    List<String> ids = new ArrayList<>(new LinkedHashSet<>(Arguments.noNulls(eventIds, "eventIds")));
    java.util.Set<String> found = new java.util.HashSet<>();
    for (int from = 0; from < ids.size(); from += CHUNK) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
      read("look up event ids", c -> {
        String sql = "SELECT event_id FROM clientele_event WHERE event_id IN (" + "?, ".repeat(chunk.size() - 1) + "?)";
        try (PreparedStatement p = c.prepareStatement(sql)) {
          for (int i = 0; i < chunk.size(); i++) {
            p.setString(i + 1, chunk.get(i));
          }
          try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              found.add(rs.getString(1));
            }
          }
        }
        return null;
      });
    }
    return found;
  }

  @Override
  public List<StoredEvent> events(Collection<Identifier> anchors) {
    requireNonNull(anchors, "anchors");
    List<Identifier> keys = new ArrayList<>(new LinkedHashSet<>(Arguments.noNulls(anchors, "anchors")));
    List<StoredEvent> out = new ArrayList<>();
    if (keys.isEmpty()) {
      return out;
    }
    readChunked("read a timeline", keys, (c, chunk) -> {
      String sql = "SELECT anchor_type, anchor_value, body FROM clientele_event WHERE (anchor_type, anchor_value) IN ("
          + pairs(chunk.size()) + ")";
      try (PreparedStatement p = c.prepareStatement(sql)) {
        bindPairs(p, chunk);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(storedEvent(rs));
          }
        }
      }
    });
    // Sorted here rather than by ORDER BY, so equal timestamps order by id exactly as Java
    // compares strings, whatever the database's collation.
    out.sort(StoredEvent.TIMELINE_ORDER);
    return out;
  }

  /**
   * {@inheritDoc}
   *
   * <p>With a limit and no type filter, reads no more rows than the query needs: one statement
   * takes, for each anchor (by the index on anchor and millisecond), the rows of the time range in
   * the query's direction up to a little more than the limit; that is the answer when no anchor
   * filled its share (a short timeline: one round trip, one statement's consistent state).
   * Otherwise the read is done again in one transaction, where each anchor that filled its share
   * also has every row of its last millisecond read (so that events within one millisecond order
   * by their exact time and id, as {@link StoredEvent#TIMELINE_ORDER} does, whatever the
   * database's collation), and more rows if the exact range check left fewer than the limit; the
   * query's events are among the anchors' own. A type filter, no limit, or more anchors than one
   * statement takes read the whole timeline and filter it (the SPI's default).
   */
  @Override
  public List<StoredEvent> events(Collection<Identifier> anchors, TimelineQuery query) {
    List<Identifier> keys = new ArrayList<>(new LinkedHashSet<>(Arguments.noNulls(anchors, "anchors")));
    requireNonNull(query, "query");
    if (keys.isEmpty()) {
      return new ArrayList<>();
    }
    boolean bounded = query.types().isEmpty() && query.limit() < Integer.MAX_VALUE - TIMELINE_SLACK;
    if (keys.size() > CHUNK || !bounded) {
      return Storage.super.events(keys, query);
    }
    List<StoredEvent> short_ = read("read a timeline", c -> timeline(c, keys, query, false));
    return short_ != null ? short_ : readConsistently("read a timeline", c -> timeline(c, keys, query, true));
  }

  /** Rows a bounded timeline read takes per anchor beyond the query's limit, so that a boundary millisecond rarely needs more. */
  private static final int TIMELINE_SLACK = 16;

  /**
   * The query's events of {@code keys}: each anchor's first rows in one statement; an anchor that
   * filled its share is read further ({@link #newestOrOldest}) when {@code further}, else the
   * answer is null (the caller reads again in one transaction).
   */
  private static List<StoredEvent> timeline(Connection c, List<Identifier> keys, TimelineQuery query, boolean further)
      throws SQLException {
    int rows = query.limit() + TIMELINE_SLACK;
    StringBuilder sql = new StringBuilder();
    for (int k = 0; k < keys.size(); k++) {
      sql.append(k == 0 ? "(" : " UNION ALL (");
      timelineSql(sql, query, rows, false);
      sql.append(")");
    }
    Map<Identifier, List<StoredEvent>> byAnchor = new LinkedHashMap<>();
    Map<Identifier, Long> boundary = new HashMap<>(); // each anchor's last millisecond in the query's direction
    try (PreparedStatement p = c.prepareStatement(sql.toString())) {
      int i = 0;
      for (Identifier anchor : keys) {
        i = bindTimeline(p, i, anchor, query, null);
      }
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          StoredEvent e = storedEvent(rs);
          long millis = rs.getLong(4);
          byAnchor.computeIfAbsent(e.anchor(), a -> new ArrayList<>()).add(e);
          boundary.merge(e.anchor(), millis, query.newestFirst() ? Math::min : Math::max);
        }
      }
    }
    List<StoredEvent> candidates = new ArrayList<>();
    for (Map.Entry<Identifier, List<StoredEvent>> read : byAnchor.entrySet()) {
      if (read.getValue().size() < rows) {
        candidates.addAll(read.getValue()); // all of the anchor's rows in the range
      } else if (!further) {
        return null;
      } else {
        candidates.addAll(newestOrOldest(c, read.getKey(), query, rows, read.getValue(), boundary.get(read.getKey())));
      }
    }
    candidates.sort(StoredEvent.TIMELINE_ORDER);
    return dev.clientele.core.internal.Timelines.select(candidates, query);
  }

  /**
   * What {@code query} selects from {@code anchor}'s own events (at most its limit), given the
   * first {@code rows} rows read ({@code first}, whose last millisecond is {@code lastMillis}):
   * adds every row of that millisecond, and reads further while the exact range check leaves
   * fewer than the limit.
   */
  private static List<StoredEvent> newestOrOldest(
      Connection c, Identifier anchor, TimelineQuery query, int rows, List<StoredEvent> first, long lastMillis) throws SQLException {
    Map<String, StoredEvent> read = new LinkedHashMap<>(); // by event id: the millisecond's read repeats rows
    first.forEach(e -> read.put(e.event().id(), e));
    long last = lastMillis;
    while (true) {
      timelineRows(c, anchor, query, Integer.MAX_VALUE, last, read); // the whole last millisecond
      List<StoredEvent> sorted = new ArrayList<>(read.values());
      sorted.sort(StoredEvent.TIMELINE_ORDER);
      List<StoredEvent> selected = dev.clientele.core.internal.Timelines.select(sorted, query);
      if (selected.size() >= query.limit()) {
        return selected;
      }
      // The exact range check dropped rows of a boundary millisecond: read further.
      rows = rows > (Integer.MAX_VALUE - 1) / 4 ? Integer.MAX_VALUE : rows * 4;
      read.clear();
      long[] end = new long[1];
      int got = timelineRows(c, anchor, query, rows, null, read, end);
      if (got < rows) {
        sorted = new ArrayList<>(read.values());
        sorted.sort(StoredEvent.TIMELINE_ORDER);
        return dev.clientele.core.internal.Timelines.select(sorted, query);
      }
      last = end[0];
    }
  }

  /** {@link #timelineRows(Connection, Identifier, TimelineQuery, int, Long, Map, long[])} without the last millisecond. */
  private static void timelineRows(Connection c, Identifier anchor, TimelineQuery query, int rows, Long atMillis,
      Map<String, StoredEvent> into) throws SQLException {
    timelineRows(c, anchor, query, rows, atMillis, into, new long[1]);
  }

  /**
   * Reads into {@code into} (by event id) the events of {@code anchor} in the query's time range,
   * widened to whole milliseconds (the exact check is the caller's), in the query's direction: at
   * most {@code rows} of them ({@link Integer#MAX_VALUE}: all), or, with {@code atMillis}, all of
   * that millisecond. Returns how many rows it read; {@code last[0]} is the millisecond of the
   * last one (in the query's direction).
   */
  private static int timelineRows(Connection c, Identifier anchor, TimelineQuery query, int rows, Long atMillis,
      Map<String, StoredEvent> into, long[] last) throws SQLException {
    StringBuilder sql = new StringBuilder();
    timelineSql(sql, query, rows, atMillis != null);
    try (PreparedStatement p = c.prepareStatement(sql.toString())) {
      bindTimeline(p, 0, anchor, query, atMillis);
      int n = 0;
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          StoredEvent e = storedEvent(rs);
          into.put(e.event().id(), e);
          long millis = rs.getLong(4);
          last[0] = n == 0 ? millis : query.newestFirst() ? Math.min(last[0], millis) : Math.max(last[0], millis);
          n++;
        }
      }
      return n;
    }
  }

  /**
   * One anchor's timeline rows: in the query's range widened to whole milliseconds (a {@code to}
   * on a millisecond boundary excludes that millisecond), at most {@code rows} in the query's
   * direction ({@link Integer#MAX_VALUE}: all), or all of one millisecond ({@code oneMillisecond}).
   */
  private static void timelineSql(StringBuilder sql, TimelineQuery query, int rows, boolean oneMillisecond) {
    sql.append("SELECT anchor_type, anchor_value, body, occurred_at FROM clientele_event WHERE anchor_type = ? AND anchor_value = ?");
    if (oneMillisecond) {
      sql.append(" AND occurred_at = ?");
      return;
    }
    query.from().ifPresent(t -> sql.append(" AND occurred_at >= ?"));
    query.to().ifPresent(t -> sql.append(onMillisecond(t) ? " AND occurred_at < ?" : " AND occurred_at <= ?"));
    if (rows < Integer.MAX_VALUE) {
      // Every column of the index named, though the first two are fixed: H2 reads the index in
      // order (and stops after the rows) only when the ORDER BY names all of them; with
      // occurred_at alone it reads and sorts every row of the anchor.
      String direction = query.newestFirst() ? " DESC" : " ASC";
      sql.append(" ORDER BY anchor_type").append(direction).append(", anchor_value").append(direction)
          .append(", occurred_at").append(direction).append(" FETCH FIRST ").append(rows).append(" ROWS ONLY");
    }
  }

  /** Binds {@link #timelineSql}'s parameters after the first {@code from} ones; returns the last index bound. */
  private static int bindTimeline(PreparedStatement p, int from, Identifier anchor, TimelineQuery query, Long atMillis)
      throws SQLException {
    int i = from;
    p.setString(++i, anchor.type().name());
    p.setString(++i, anchor.value());
    if (atMillis != null) {
      p.setLong(++i, atMillis);
      return i;
    }
    if (query.from().isPresent()) {
      p.setLong(++i, epochMillis(query.from().get()));
    }
    if (query.to().isPresent()) {
      p.setLong(++i, epochMillis(query.to().get()));
    }
    return i;
  }

  /** Whether {@code t} has no part below the millisecond (every event of its millisecond is at or after it). */
  private static boolean onMillisecond(Instant t) {
    return t.getNano() % 1_000_000 == 0;
  }

  @Override
  public Stream<StoredEvent> allEvents() {
    Connection c = null;
    PreparedStatement p = null;
    ResultSet rs = null;
    Handed handed = null;
    try {
      c = dataSource.getConnection();
      handed = new Handed(c.getAutoCommit(), c.getTransactionIsolation(), c.isReadOnly());
      c.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      p = c.prepareStatement("SELECT anchor_type, anchor_value, body FROM clientele_event");
      p.setFetchSize(1000);
      rs = p.executeQuery();
    } catch (SQLException e) {
      closeCursorAfter(e, c, p, rs, handed);
      throw new StorageException("could not read events: " + describe(e), e);
    } catch (RuntimeException | Error e) {
      closeCursorAfter(e, c, p, rs, handed); // the connection goes back to the pool whatever failed
      throw e;
    }
    Connection conn = c;
    Handed handedOut = handed;
    PreparedStatement stmt = p;
    ResultSet cursor = rs;
    java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable close = () -> {
      if (closed.compareAndSet(false, true)) {
        closeCursor(conn, stmt, cursor, handedOut);
      }
    };
    Spliterator<StoredEvent> rows = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.NONNULL) {
      @Override
      public boolean tryAdvance(Consumer<? super StoredEvent> action) {
        if (closed.get()) {
          return false;
        }
        StoredEvent next;
        try {
          if (!cursor.next()) {
            close.run(); // exhausted: the connection goes back now, not only when the stream is closed
            return false;
          }
          next = storedEvent(cursor);
        } catch (SQLException e) {
          StorageException failure = new StorageException("could not read events: " + describe(e), e);
          closeCursorAfter(failure, close); // a failed cursor is of no more use
          throw failure;
        }
        action.accept(next);
        return true;
      }
    };
    return StreamSupport.stream(rows, false).onClose(close);
  }

  /** Runs {@code close} after {@code failure}, to which a failure to close is added. */
  private static void closeCursorAfter(Throwable failure, Runnable close) {
    try {
      close.run();
    } catch (RuntimeException closing) {
      failure.addSuppressed(closing);
    }
  }

  /** {@link #closeCursor} after {@code failure}, to which a failure to close is added. */
  private static void closeCursorAfter(Throwable failure, Connection c, Statement p, ResultSet rs, Handed handed) {
    try {
      closeCursor(c, p, rs, handed);
    } catch (RuntimeException closing) {
      failure.addSuppressed(closing);
    }
  }

  /** The settings of a connection as the pool handed it out, to put back. */
  private record Handed(boolean autoCommit, int isolation, boolean readOnly) {}

  /**
   * Closes an event cursor and hands its connection back as it was given (auto-commit, isolation,
   * read-only); {@code handed} is null if they were not read yet (nothing was changed then).
   */
  private static void closeCursor(Connection c, Statement p, ResultSet rs, Handed handed) {
    SQLException failure = null;
    for (AutoCloseable r : new AutoCloseable[] {rs, p}) {
      try {
        if (r != null) {
          r.close();
        }
      } catch (Exception e) {
        failure = failure == null ? new SQLException("could not close an event cursor", e) : failure;
      }
    }
    if (c != null) {
      try (Connection conn = c) {
        if (handed != null && !conn.isClosed()) {
          if (!conn.getAutoCommit()) {
            conn.rollback(); // read-only: nothing to keep; ends the transaction before the pool takes it back
          }
          conn.setReadOnly(handed.readOnly());
          conn.setAutoCommit(handed.autoCommit());
          conn.setTransactionIsolation(handed.isolation());
        }
      } catch (SQLException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw new StorageException("could not close an event cursor: " + describe(failure), failure);
    }
  }

  @Override
  public long eventCount() {
    return count("SELECT COUNT(*) FROM clientele_event");
  }

  // -------------------------------------------------------------------------------------------
  // Tombstones

  @Override
  public boolean isTombstoned(String hash) {
    requireNonNull(hash, "hash");
    return read("look up a tombstone", c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM clientele_tombstone WHERE hash = ?")) {
        p.setString(1, hash);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  @Override
  public long tombstoneCount() {
    return count("SELECT COUNT(*) FROM clientele_tombstone");
  }

  /**
   * {@inheritDoc} One probe for any row ({@code LIMIT 1} on the primary key's index), whatever
   * the number of tombstones, until a tombstone is seen; from then on {@code true} without a
   * round trip, because Clientele never removes a tombstone. {@code false} is never remembered:
   * another node may erase someone at any time.
   */
  @Override
  public boolean hasTombstones() {
    if (tombstonesSeen) {
      return true;
    }
    boolean any = read("look for tombstones", c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM clientele_tombstone LIMIT 1")) {
        return rs.next();
      }
    });
    if (any) {
      tombstonesSeen = true;
    }
    return any;
  }

  // -------------------------------------------------------------------------------------------
  // Merge log

  @Override
  public List<MergeRecord> mergeRecords(ProfileId profile) {
    requireNonNull(profile, "profile");
    return read("read merge records", c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT r.body FROM clientele_merge_profile m "
          + "JOIN clientele_merge_record r ON r.id = m.record_id WHERE m.profile_id = ? ORDER BY r.seq")) {
        p.setString(1, profile.value());
        try (ResultSet rs = p.executeQuery()) {
          List<MergeRecord> out = new ArrayList<>();
          while (rs.next()) {
            out.add(Codec.decodeMergeRecord(rs.getBytes(1)));
          }
          return out;
        }
      }
    });
  }

  @Override
  public Optional<MergeRecord> mergeRecord(String id) {
    requireNonNull(id, "id");
    return read("read a merge record", c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT body FROM clientele_merge_record WHERE id = ?")) {
        p.setString(1, id);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(Codec.decodeMergeRecord(rs.getBytes(1))) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<MergeRecord> splitsNaming(Collection<Identifier> identifiers) {
    requireNonNull(identifiers, "identifiers");
    List<Identifier> keys = new ArrayList<>(new LinkedHashSet<>(Arguments.noNulls(identifiers, "identifiers")));
    if (keys.isEmpty()) {
      return new ArrayList<>();
    }
    TreeMap<Long, MergeRecord> bySeq = new TreeMap<>();
    readChunked("read split records", keys, (c, chunk) -> {
      String sql = "SELECT r.seq, r.body FROM clientele_merge_record r WHERE r.id IN ("
          + "SELECT s.record_id FROM clientele_merge_split_identifier s WHERE (s.id_type, s.id_value) IN ("
          + pairs(chunk.size()) + "))";
      try (PreparedStatement p = c.prepareStatement(sql)) {
        bindPairs(p, chunk);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            bySeq.put(rs.getLong(1), Codec.decodeMergeRecord(rs.getBytes(2)));
          }
        }
      }
    });
    return new ArrayList<>(bySeq.values());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the log in pages of {@value #CHUNK} records in sequence order, holding no
   * connection while {@code action} runs; records committed meanwhile may or may not be seen.
   */
  @Override
  public void forEachMergeRecord(Consumer<MergeRecord> action) {
    requireNonNull(action, "action");
    long after = Long.MIN_VALUE;
    while (true) {
      long from = after;
      TreeMap<Long, MergeRecord> page = read("read the merge log", c -> {
        try (PreparedStatement p =
            c.prepareStatement("SELECT seq, body FROM clientele_merge_record WHERE seq > ? ORDER BY seq LIMIT ?")) {
          p.setLong(1, from);
          p.setInt(2, CHUNK);
          try (ResultSet rs = p.executeQuery()) {
            TreeMap<Long, MergeRecord> out = new TreeMap<>();
            while (rs.next()) {
              out.put(rs.getLong(1), Codec.decodeMergeRecord(rs.getBytes(2)));
            }
            return out;
          }
        }
      });
      page.values().forEach(action);
      if (page.size() < CHUNK) {
        return;
      }
      after = page.lastKey();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Writes

  /** {@code true}: this store applies merge-record redactions in place (row updated, {@code seq} kept). */
  @Override
  public boolean redactsMergeRecordsInPlace() {
    return true;
  }

  @Override
  public void commit(Commit commit) {
    requireNonNull(commit, "commit");
    if (commit.isEmpty()) {
      return;
    }
    try (Connection c = StatementTimeout.applyTo(dataSource.getConnection(), timeoutSeconds, dialect.sessionQueryTimeout)) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      boolean ended = true;
      try {
        CommitWriter.write(c, dialect, commit);
        c.commit();
      } catch (Throwable e) {
        // Anything, errors included: setAutoCommit below would otherwise commit the half-written
        // transaction; and if the rollback fails, the connection is aborted, not restored.
        ended = rollbackQuietly(c, e);
        throw e;
      } finally {
        if (ended) {
          restore(c, autoCommit, -1);
        }
      }
    } catch (SQLException e) {
      if (isConflict(e)) {
        throw new CommitConflictException("a concurrent commit changed the same rows (" + describe(e) + ")");
      }
      throw new StorageException("commit failed; nothing was applied unless the connection broke while "
          + "committing: " + why(e), e);
    }
  }

  /** Nothing to release: the data source belongs to the host. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "JdbcStorage{" + dialect.folder + "}";
  }

  // -------------------------------------------------------------------------------------------
  // Helpers

  /**
   * Rolls back after {@code cause}, recording a failure to do so on {@code cause} rather than
   * hiding it. When the rollback fails (whatever it throws), the connection is aborted: its
   * transaction may still be open, and giving it back to the pool, or putting auto-commit back
   * (which commits an open transaction), could apply half of the work. The caller must then leave
   * the connection's settings alone and only close it.
   *
   * @return whether the transaction was rolled back (false: the connection was aborted)
   */
  static boolean rollbackQuietly(Connection c, Throwable cause) {
    try {
      if (!c.isClosed()) {
        c.rollback();
      }
      return true;
    } catch (Throwable rollback) {
      cause.addSuppressed(rollback);
    }
    try {
      c.abort(Runnable::run);
    } catch (Throwable abort) {
      cause.addSuppressed(abort);
    }
    return false;
  }

  /**
   * Auto-commit back to {@code autoCommit} (as the pool handed the connection out) and, unless
   * {@code isolation} is negative, that isolation level. Called after the transaction ended.
   */
  private static void restore(Connection c, boolean autoCommit, int isolation) {
    try {
      if (!c.isClosed()) {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException ignored) {
      // a broken connection: the pool discards it
    }
    try {
      if (isolation >= 0 && !c.isClosed()) {
        c.setTransactionIsolation(isolation);
      }
    } catch (SQLException ignored) {
      // likewise
    }
  }

  /** Unique violations, serialisation failures, deadlocks and lock timeouts: nothing applied, retry. */
  static boolean isConflict(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      String state = x.getSQLState();
      if (state != null && (state.equals("23505") || state.startsWith("40") || state.equals("55P03"))) {
        return true;
      }
      // H2: concurrent update of a row (90131), lock timeout (50200)
      if (x.getErrorCode() == 90131 || x.getErrorCode() == 50200) {
        return true;
      }
      if (x.getCause() instanceof SQLException cause && cause != x && cause != x.getNextException()) {
        if (isConflict(cause)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The SQL state and the driver's message class, without the message (it may quote values). */
  static String describe(SQLException e) {
    SQLException root = e instanceof BatchUpdateException && e.getNextException() != null ? e.getNextException() : e;
    return "SQL state " + root.getSQLState() + ", " + root.getClass().getSimpleName();
  }

  /** {@link #describe}, saying so when the statement timeout ended the statement. */
  private String why(SQLException e) {
    return StatementTimeout.isTimeout(e)
        ? describe(e) + ": cancelled, by the statement timeout of " + timeoutSeconds + " s unless by the server"
        : describe(e);
  }

  private static StoredEvent storedEvent(ResultSet rs) throws SQLException {
    Identifier anchor = Identifier.of(IdentifierType.of(rs.getString(1)), rs.getString(2));
    return new StoredEvent(Codec.decodeEvent(rs.getBytes(3)), anchor);
  }

  private static String pairs(int n) {
    StringBuilder sb = new StringBuilder(n * 7);
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "(?, ?)" : ", (?, ?)");
    }
    return sb.toString();
  }

  private static void bindPairs(PreparedStatement p, List<Identifier> keys) throws SQLException {
    int i = 1;
    for (Identifier id : keys) {
      p.setString(i++, id.type().name());
      p.setString(i++, id.value());
    }
  }

  /** Epoch milliseconds for the timeline index, clamped for instants beyond its range. */
  static long epochMillis(Instant t) {
    try {
      return t.toEpochMilli();
    } catch (ArithmeticException e) {
      return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private long count(String sql) {
    return read("count rows", c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @FunctionalInterface
  private interface Read<T> {
    T run(Connection c) throws SQLException;
  }

  @FunctionalInterface
  private interface ChunkRead {
    void run(Connection c, List<Identifier> chunk) throws SQLException;
  }

  private <T> T read(String what, Read<T> read) {
    // Closing the wrapper puts the session's query timeout back (H2 keeps it in the session).
    try (Connection c = StatementTimeout.applyTo(dataSource.getConnection(), timeoutSeconds, dialect.sessionQueryTimeout)) {
      return read.run(c);
    } catch (SQLException e) {
      throw new StorageException("could not " + what + ": " + why(e), e);
    }
  }

  private void readChunked(String what, List<Identifier> keys, ChunkRead read) {
    if (keys.size() <= CHUNK) {
      read(what, c -> {
        read.run(c, keys);
        return null;
      });
      return;
    }
    readConsistently(what, c -> {
      for (int from = 0; from < keys.size(); from += CHUNK) {
        read.run(c, keys.subList(from, Math.min(keys.size(), from + CHUNK)));
      }
      return null;
    });
  }

  /** {@code read}'s statements in one repeatable-read transaction: one consistent state for all of them. */
  private <T> T readConsistently(String what, Read<T> read) {
    return read(what, c -> {
      int isolation = c.getTransactionIsolation();
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      boolean ended = true;
      try {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        T result = read.run(c);
        c.commit();
        return result;
      } catch (Throwable e) {
        ended = rollbackQuietly(c, e);
        throw e;
      } finally {
        if (ended) {
          restore(c, autoCommit, isolation); // not every pool puts the settings back
        }
      }
    });
  }
}
