package dev.clientele.storage.jdbc;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.clientele.core.Pii;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.StorageException;
import dev.clientele.segments.MembershipSpan;
import dev.clientele.segments.MembershipStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Segment membership over time in PostgreSQL (or H2), so that "added on" dates survive
 * restarts and each transition is recorded by exactly one node among those sharing the
 * database (so no trigger fires twice). Delivery itself is per process: a transition queued for
 * listeners when its node stops is not delivered by another (see
 * {@link dev.clientele.segments.SegmentListener}).
 *
 * <pre>{@code
 * JdbcStorage storage = JdbcStorage.open(pool);
 * Clientele clientele = Clientele.builder()
 *     .storage(storage)
 *     .erasurePolicy(ErasurePolicy.builder().salt(secret).build())
 *     .segments(SegmentConfig.builder().define(vip).membershipStore(JdbcMembershipStore.open(pool)).build())
 *     .build();
 * }</pre>
 *
 * <p>Each call is one transaction. Entering inserts the span and a row in a table keyed by
 * profile and segment; a second entry while a member (from this node or another) fails on that
 * key and is rolled back, so it returns {@code false}. Leaving locks and deletes that row and
 * closes its span. Instants are stored exactly (epoch seconds and nanoseconds). The schema is
 * created or upgraded by {@link #open}, with the same versioned scripts as {@link JdbcStorage}.
 * Every statement has a query timeout, 30 seconds unless set with {@link Builder#statementTimeout}
 * (the same rules as {@link JdbcStorage.Builder#statementTimeout}); one that takes longer fails
 * the call with a {@link StorageException}. The data source belongs to the host.
 *
 * <pre>{@code
 * JdbcMembershipStore memberships = JdbcMembershipStore.builder(pool)
 *     .statementTimeout(Duration.ofSeconds(5))
 *     .open();
 * }</pre>
 *
 * <p><b>After a kill.</b> Membership writes follow the storage commit they belong to, in
 * transactions of their own, so a process killed in between leaves the memberships one step
 * behind: a profile merged away still a current member, an erased profile's history still here,
 * or a changed profile's transition not recorded. The host's first
 * {@link dev.clientele.segments.Segments#refresh} after a restart catches them all up
 * ({@link #forEachProfile} lets it find the profiles that are gone); until then the stored
 * memberships may be stale. A transition recorded late is delivered by that refresh, without a
 * cause event; one recorded and queued before the kill was not delivered and is not delivered again.
 */
public final class JdbcMembershipStore implements MembershipStore {
  /** The names {@link dev.clientele.segments.Segment} accepts, which the segment columns hold. */
  private static final java.util.regex.Pattern SEGMENT_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  private static final String UNIQUE_VIOLATION = "23505";

  private final DataSource dataSource;

  /** The query timeout of every statement, in seconds (0: none). */
  private final int timeoutSeconds;

  /** Whether the query timeout is kept in the session, to be put back after each call. */
  private final boolean sessionQueryTimeout;

  private JdbcMembershipStore(DataSource dataSource, int timeoutSeconds, boolean sessionQueryTimeout) {
    this.dataSource = dataSource;
    this.timeoutSeconds = timeoutSeconds;
    this.sessionQueryTimeout = sessionQueryTimeout;
  }

  /**
   * Opens the store on {@code dataSource}, creating or upgrading the schema first, with a
   * statement timeout of {@link JdbcStorage#DEFAULT_STATEMENT_TIMEOUT} (30 seconds).
   *
   * @throws IllegalArgumentException if the database is neither PostgreSQL nor H2
   * @throws IllegalStateException if the database's schema is newer than this library
   * @throws StorageException if the database cannot be reached or migrated
   */
  public static JdbcMembershipStore open(DataSource dataSource) {
    return builder(dataSource).open();
  }

  /**
   * A builder for a store on {@code dataSource}, for settings other than the defaults of
   * {@link #open(DataSource)}.
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Settings of a {@link JdbcMembershipStore}; {@link #open()} makes the store, and may be called again for
   * another store with the same settings. Each setting may be set once. Not thread-safe.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private int statementTimeoutSeconds = (int) JdbcStorage.DEFAULT_STATEMENT_TIMEOUT.getSeconds();
    private boolean timeoutSet;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * How long one SQL statement of the store may take, waits for row locks included, before the
     * driver cancels it and the call fails with a {@link StorageException}; whole seconds, rounded
     * up; {@link java.time.Duration#ZERO} means no limit. The default is 30 seconds. As for
     * {@link JdbcStorage.Builder#statementTimeout}, which explains what the timeout does not cover.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative or longer than {@link Integer#MAX_VALUE} seconds
     * @throws IllegalStateException if already set
     */
    public Builder statementTimeout(java.time.Duration timeout) {
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
    public JdbcMembershipStore open() {
      try (Connection c = dataSource.getConnection()) {
        Dialect dialect = Dialect.of(c);
        Migrations.migrate(c, dialect);
        return new JdbcMembershipStore(dataSource, statementTimeoutSeconds, dialect.sessionQueryTimeout);
      } catch (SQLException e) {
        throw new StorageException("could not open the JDBC membership store: " + JdbcStorage.describe(e), e);
      }
    }
  }

  @Override
  public Set<String> current(ProfileId profile) {
    requireNonNull(profile, "profile");
    return run("read current segments", false, c -> {
      try (PreparedStatement p = c.prepareStatement(
          "SELECT segment FROM clientele_segment_current WHERE profile_id = ? ORDER BY segment")) {
        p.setString(1, profile.value());
        try (ResultSet rs = p.executeQuery()) {
          ImmutableSet.Builder<String> out = ImmutableSet.builder();
          while (rs.next()) {
            out.add(rs.getString(1));
          }
          return out.build();
        }
      }
    });
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if {@code segment} is not a segment name (1 to 64 of {@code
   *     [A-Za-z0-9_.:-]}, as {@link dev.clientele.segments.Segment} requires) or {@code cause} is
   *     longer than an event id (256 characters): the columns hold no more, and such a call is the
   *     caller's mistake, not a failure of the database
   */
  @Override
  public boolean enter(ProfileId profile, String segment, Instant at, Optional<String> cause) {
    requireNonNull(profile, "profile");
    requireNonNull(segment, "segment");
    requireNonNull(at, "at");
    requireNonNull(cause, "cause");
    if (!SEGMENT_NAME.matcher(segment).matches()) {
      throw new IllegalArgumentException("segment must be 1 to 64 of [A-Za-z0-9_.:-]: " + Pii.mask(segment));
    }
    if (cause.isPresent() && cause.get().length() > 256) {
      throw new IllegalArgumentException("cause must be an event id of at most 256 characters, not " + cause.get().length());
    }
    return run("enter a segment", true, c -> {
      if (currentSpan(c, profile, segment, false).isPresent()) {
        return false;
      }
      long seq;
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO clientele_segment_span (profile_id, segment, entered_s, entered_n, entered_by) VALUES (?, ?, ?, ?, ?)",
          new String[] {"seq"})) {
        p.setString(1, profile.value());
        p.setString(2, segment);
        p.setLong(3, at.getEpochSecond());
        p.setInt(4, at.getNano());
        p.setString(5, cause.orElse(null));
        p.executeUpdate();
        try (ResultSet keys = p.getGeneratedKeys()) {
          if (!keys.next()) {
            throw new SQLException("no generated span number returned");
          }
          seq = keys.getLong(1);
        }
      }
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO clientele_segment_current (profile_id, segment, span_seq) VALUES (?, ?, ?)")) {
        p.setString(1, profile.value());
        p.setString(2, segment);
        p.setLong(3, seq);
        p.executeUpdate();
      } catch (SQLException e) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
          c.rollback(); // another caller entered first: its span stands, ours goes
          return false;
        }
        throw e;
      }
      return true;
    });
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if {@code cause} is longer than an event id (256 characters)
   */
  @Override
  public boolean leave(ProfileId profile, String segment, Instant at, Optional<String> cause) {
    requireNonNull(profile, "profile");
    requireNonNull(segment, "segment");
    requireNonNull(at, "at");
    requireNonNull(cause, "cause");
    if (cause.isPresent() && cause.get().length() > 256) {
      throw new IllegalArgumentException("cause must be an event id of at most 256 characters, not " + cause.get().length());
    }
    return run("leave a segment", true, c -> {
      Optional<Long> seq = currentSpan(c, profile, segment, true);
      if (seq.isEmpty()) {
        return false;
      }
      try (PreparedStatement p = c.prepareStatement(
          "DELETE FROM clientele_segment_current WHERE profile_id = ? AND segment = ? AND span_seq = ?")) {
        p.setString(1, profile.value());
        p.setString(2, segment);
        p.setLong(3, seq.get());
        if (p.executeUpdate() != 1) {
          c.rollback(); // another caller closed it first
          return false;
        }
      }
      try (PreparedStatement p = c.prepareStatement(
          "UPDATE clientele_segment_span SET left_s = ?, left_n = ?, left_by = ? WHERE seq = ?")) {
        p.setLong(1, at.getEpochSecond());
        p.setInt(2, at.getNano());
        p.setString(3, cause.orElse(null));
        p.setLong(4, seq.get());
        p.executeUpdate();
      }
      return true;
    });
  }

  @Override
  public List<MembershipSpan> history(ProfileId profile) {
    requireNonNull(profile, "profile");
    return run("read segment history", false, c -> {
      try (PreparedStatement p = c.prepareStatement(
          "SELECT segment, entered_s, entered_n, entered_by, left_s, left_n, left_by FROM clientele_segment_span "
              + "WHERE profile_id = ? ORDER BY seq")) {
        p.setString(1, profile.value());
        try (ResultSet rs = p.executeQuery()) {
          ImmutableList.Builder<MembershipSpan> out = ImmutableList.builder();
          while (rs.next()) {
            long leftS = rs.getLong(5);
            Optional<Instant> left = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(leftS, rs.getInt(6)));
            out.add(new MembershipSpan(rs.getString(1), Instant.ofEpochSecond(rs.getLong(2), rs.getInt(3)),
                Optional.ofNullable(rs.getString(4)), left, Optional.ofNullable(rs.getString(7))));
          }
          return out.build();
        }
      }
    });
  }

  @Override
  public int forget(ProfileId profile) {
    requireNonNull(profile, "profile");
    return run("erase segment history", true, c -> {
      try (PreparedStatement p = c.prepareStatement("DELETE FROM clientele_segment_current WHERE profile_id = ?")) {
        p.setString(1, profile.value());
        p.executeUpdate();
      }
      try (PreparedStatement p = c.prepareStatement("DELETE FROM clientele_segment_span WHERE profile_id = ?")) {
        p.setString(1, profile.value());
        return p.executeUpdate();
      }
    });
  }

  /** Profile ids per page of {@link #forEachProfile}. */
  private static final int PAGE = 500;

  /**
   * {@inheritDoc}
   *
   * <p>Reads the ids in pages of {@value #PAGE} in the database's order of the profile id column
   * (an index range each), holding no connection while {@code action} runs.
   */
  @Override
  public void forEachProfile(java.util.function.Consumer<ProfileId> action) {
    requireNonNull(action, "action");
    Optional<String> after = Optional.empty();
    while (true) {
      Optional<String> from = after;
      List<String> page = run("read the profiles of segment history", false, c -> {
        try (PreparedStatement p = c.prepareStatement("SELECT DISTINCT profile_id FROM clientele_segment_span"
            + (from.isPresent() ? " WHERE profile_id > ?" : "") + " ORDER BY profile_id LIMIT " + PAGE)) {
          if (from.isPresent()) {
            p.setString(1, from.get());
          }
          try (ResultSet rs = p.executeQuery()) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
              out.add(rs.getString(1));
            }
            return out;
          }
        }
      });
      page.forEach(id -> action.accept(ProfileId.of(id)));
      if (page.size() < PAGE) {
        return;
      }
      after = Optional.of(page.get(page.size() - 1));
    }
  }

  /** The number of the open span of {@code profile} in {@code segment}, locked for update if asked. */
  private static Optional<Long> currentSpan(Connection c, ProfileId profile, String segment, boolean lock) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "SELECT span_seq FROM clientele_segment_current WHERE profile_id = ? AND segment = ?" + (lock ? " FOR UPDATE" : ""))) {
      p.setString(1, profile.value());
      p.setString(2, segment);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
      }
    }
  }

  /** One unit of work on a connection. */
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work}, in one transaction if {@code write}; a failure rolls it back and becomes a {@link StorageException}. */
  private <T> T run(String what, boolean write, Work<T> work) {
    // Closing the wrapper puts the session's query timeout back (H2 keeps it in the session).
    try (Connection c = StatementTimeout.applyTo(dataSource.getConnection(), timeoutSeconds, sessionQueryTimeout)) {
      if (!write) {
        return work.run(c);
      }
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      boolean ended = true;
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (Throwable e) {
        // Errors too: setAutoCommit(true) below would otherwise commit the half-done work.
        ended = JdbcStorage.rollbackQuietly(c, e);
        throw e;
      } finally {
        try {
          if (ended) { // an aborted connection (its rollback failed) is left as it is
            c.setAutoCommit(autoCommit);
          }
        } catch (SQLException ignored) {
          // a connection that broke after the transaction ended: the pool discards it, and the
          // outcome (committed, or the failure above) stands
        }
      }
    } catch (SQLException e) {
      throw new StorageException("could not " + what + ": " + JdbcStorage.describe(e)
          + (StatementTimeout.isTimeout(e) ? ": cancelled, by the statement timeout of " + timeoutSeconds + " s unless by the server" : ""), e);
    }
  }
}
