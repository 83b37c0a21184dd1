package dev.clientele.storage.jdbc;

import dev.clientele.core.Identifier;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Writes one {@link Commit} inside an open transaction, checking each expectation through the
 * row count of the write that depends on it (see {@link JdbcStorage}'s class comment). Throws
 * {@link CommitConflictException} on the first expectation that fails; the caller rolls back.
 */
final class CommitWriter {
  /** Rows per JDBC batch of event inserts. */
  static final int BATCH = 1000;

  private CommitWriter() {}

  static void write(Connection c, Dialect dialect, Commit commit) throws SQLException {
    // Profile rows (writes and deletes, by id), then index rows (by identifier), then events
    // (by id): every commit takes its row locks in this one order, which keeps deadlocks away.
    writeProfiles(c, commit);
    writeIndex(c, commit);
    eraseEvents(c, commit);
    writeTombstones(c, dialect, commit);
    appendEvents(c, commit);
    eraseMergeRecords(c, commit);
    redactMergeRecords(c, commit);
    logMerges(c, commit);
  }

  private static void writeProfiles(Connection c, Commit commit) throws SQLException {
    // Writes and deletes together, by id.
    List<Object> ops = new ArrayList<>();
    ops.addAll(commit.profileWrites());
    ops.addAll(commit.profileDeletes());
    ops.sort(Comparator.comparing(CommitWriter::profileOf));
    String insertSql = "INSERT INTO clientele_profile (id, version, body) VALUES (?, ?, ?)";
    String updateSql = "UPDATE clientele_profile SET version = ?, body = ? WHERE id = ? AND version = ?";
    String deleteSql = "DELETE FROM clientele_profile WHERE id = ? AND version = ?";
    for (Object op : ops) {
      int changed;
      long expected;
      if (op instanceof Commit.ProfileWrite w && w.expectedVersion() == 0) {
        try (PreparedStatement insert = c.prepareStatement(insertSql)) {
          insert.setString(1, w.profile().id().value());
          insert.setLong(2, w.profile().version());
          insert.setBytes(3, Codec.encode(w.profile()));
          insert.executeUpdate(); // a duplicate key is a conflict (see JdbcStorage.isConflict)
        }
        continue;
      } else if (op instanceof Commit.ProfileWrite w) {
        expected = w.expectedVersion();
        try (PreparedStatement update = c.prepareStatement(updateSql)) {
          update.setLong(1, w.profile().version());
          update.setBytes(2, Codec.encode(w.profile()));
          update.setString(3, w.profile().id().value());
          update.setLong(4, expected);
          changed = update.executeUpdate();
        }
      } else {
        Commit.ProfileDelete d = (Commit.ProfileDelete) op;
        expected = d.expectedVersion();
        try (PreparedStatement delete = c.prepareStatement(deleteSql)) {
          delete.setString(1, d.id().value());
          delete.setLong(2, expected);
          changed = delete.executeUpdate();
        }
      }
      if (changed != 1) {
        throw new CommitConflictException(
            "profile " + profileOf(op) + " is not at version " + expected + " (changed or gone)");
      }
    }
  }

  private static ProfileId profileOf(Object op) {
    return op instanceof Commit.ProfileWrite w ? w.profile().id() : ((Commit.ProfileDelete) op).id();
  }

  private static void writeIndex(Connection c, Commit commit) throws SQLException {
    List<Commit.IndexWrite> writes = new ArrayList<>(commit.indexWrites());
    if (writes.isEmpty()) {
      return;
    }
    writes.sort(Comparator.comparing(Commit.IndexWrite::identifier));
    try (PreparedStatement insert = c.prepareStatement(
            "INSERT INTO clientele_identity (id_type, id_value, profile_id) VALUES (?, ?, ?)");
        PreparedStatement move = c.prepareStatement(
            "UPDATE clientele_identity SET profile_id = ? WHERE id_type = ? AND id_value = ? AND profile_id = ?");
        PreparedStatement remove = c.prepareStatement(
            "DELETE FROM clientele_identity WHERE id_type = ? AND id_value = ? AND profile_id = ?")) {
      for (Commit.IndexWrite w : writes) {
        Identifier id = w.identifier();
        if (w.expectedOwner().isEmpty()) {
          // The builder never makes a write from no owner to no owner.
          insert.setString(1, id.type().name());
          insert.setString(2, id.value());
          insert.setString(3, w.newOwner().orElseThrow().value());
          insert.executeUpdate(); // a duplicate key is a conflict
          continue;
        }
        ProfileId expected = w.expectedOwner().get();
        int changed;
        if (w.newOwner().isPresent()) {
          move.setString(1, w.newOwner().get().value());
          move.setString(2, id.type().name());
          move.setString(3, id.value());
          move.setString(4, expected.value());
          changed = move.executeUpdate();
        } else {
          remove.setString(1, id.type().name());
          remove.setString(2, id.value());
          remove.setString(3, expected.value());
          changed = remove.executeUpdate();
        }
        if (changed != 1) {
          throw new CommitConflictException("identifier " + id + " is not owned by " + expected);
        }
      }
    }
  }

  private static void eraseEvents(Connection c, Commit commit) throws SQLException {
    if (commit.eventErasures().isEmpty()) {
      return;
    }
    try (PreparedStatement erase =
        c.prepareStatement("DELETE FROM clientele_event WHERE anchor_type = ? AND anchor_value = ?")) {
      for (Identifier anchor : commit.eventErasures()) {
        erase.setString(1, anchor.type().name());
        erase.setString(2, anchor.value());
        erase.addBatch();
      }
      erase.executeBatch();
    }
  }

  private static void writeTombstones(Connection c, Dialect dialect, Commit commit) throws SQLException {
    if (commit.tombstones().isEmpty()) {
      return;
    }
    try (PreparedStatement insert = c.prepareStatement(dialect.insertTombstone)) {
      for (String hash : commit.tombstones()) {
        insert.setString(1, hash);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static void appendEvents(Connection c, Commit commit) throws SQLException {
    List<StoredEvent> appends = commit.appends();
    if (appends.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO clientele_event (event_id, anchor_type, anchor_value, occurred_at, body) VALUES (?, ?, ?, ?, ?)")) {
      if (appends.size() == 1) {
        bind(insert, appends.get(0));
        insert.executeUpdate(); // a duplicate id is a conflict
        return;
      }
      // Sorted by id so that concurrent bulk appends take key locks in the same order.
      List<StoredEvent> sorted = new ArrayList<>(appends);
      sorted.sort(Comparator.comparing(e -> e.event().id()));
      int pending = 0;
      for (StoredEvent e : sorted) {
        bind(insert, e);
        insert.addBatch();
        if (++pending == BATCH) {
          insert.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        insert.executeBatch();
      }
    }
  }

  private static void eraseMergeRecords(Connection c, Commit commit) throws SQLException {
    if (commit.mergeRecordErasures().isEmpty()) {
      return;
    }
    // The key tables follow by ON DELETE CASCADE.
    try (PreparedStatement erase = c.prepareStatement("DELETE FROM clientele_merge_record WHERE id IN "
        + "(SELECT record_id FROM clientele_merge_profile WHERE profile_id = ?)")) {
      for (ProfileId profile : commit.mergeRecordErasures()) {
        erase.setString(1, profile.value());
        erase.addBatch();
      }
      erase.executeBatch();
    }
  }

  /**
   * Replaces records in place (their {@code seq}, hence their position in the log, stays): each
   * stored record is read under a row lock, checked to be one the replacement redacts, and
   * rewritten; a split's identifiers the replacement no longer holds leave its key table. Runs
   * after the erasures, so a record this commit erases is missing here: a conflict, as the
   * contract of {@link Commit#mergeRecordRedactions()} says. Records are taken in id order.
   */
  private static void redactMergeRecords(Connection c, Commit commit) throws SQLException {
    if (commit.mergeRecordRedactions().isEmpty()) {
      return;
    }
    List<MergeRecord> redactions = new ArrayList<>(commit.mergeRecordRedactions());
    redactions.sort(Comparator.comparing(MergeRecord::id));
    try (PreparedStatement read =
            c.prepareStatement("SELECT body FROM clientele_merge_record WHERE id = ? FOR UPDATE");
        PreparedStatement update = c.prepareStatement("UPDATE clientele_merge_record SET body = ? WHERE id = ?");
        PreparedStatement unhold = c.prepareStatement(
            "DELETE FROM clientele_merge_split_identifier WHERE id_type = ? AND id_value = ? AND record_id = ?")) {
      for (MergeRecord r : redactions) {
        MergeRecord stored;
        read.setString(1, r.id());
        try (ResultSet rs = read.executeQuery()) {
          if (!rs.next()) {
            throw new CommitConflictException("merge record " + r.id() + " is not stored (or this commit erases it)");
          }
          stored = Codec.decodeMergeRecord(rs.getBytes(1));
        }
        if (!r.redacts(stored)) {
          throw new CommitConflictException(
              "merge record " + r.id() + " changed since it was read: the replacement does not redact it");
        }
        update.setBytes(1, Codec.encode(r));
        update.setString(2, r.id());
        update.executeUpdate();
        if (r.kind() == MergeRecord.Kind.SPLIT) {
          LinkedHashSet<Identifier> dropped = held(stored);
          dropped.removeAll(held(r));
          for (Identifier id : dropped) {
            unhold.setString(1, id.type().name());
            unhold.setString(2, id.value());
            unhold.setString(3, r.id());
            unhold.addBatch();
          }
        }
      }
      unhold.executeBatch();
    }
  }

  /** The identifiers a record holds, links first (the rows of a split's key table). */
  private static LinkedHashSet<Identifier> held(MergeRecord r) {
    LinkedHashSet<Identifier> held = new LinkedHashSet<>(r.links());
    r.sides().forEach(side -> held.addAll(side.identifiers()));
    return held;
  }

  private static void logMerges(Connection c, Commit commit) throws SQLException {
    if (commit.mergeRecords().isEmpty()) {
      return;
    }
    try (PreparedStatement record = c.prepareStatement("INSERT INTO clientele_merge_record (id, body) VALUES (?, ?)");
        PreparedStatement names = c.prepareStatement(
            "INSERT INTO clientele_merge_profile (profile_id, record_id) VALUES (?, ?)");
        PreparedStatement holds = c.prepareStatement(
            "INSERT INTO clientele_merge_split_identifier (id_type, id_value, record_id) VALUES (?, ?, ?)")) {
      // In the commit's order (it is the log's order); a known id is a duplicate key: a conflict.
      for (MergeRecord r : commit.mergeRecords()) {
        record.setString(1, r.id());
        record.setBytes(2, Codec.encode(r));
        record.executeUpdate();
        LinkedHashSet<ProfileId> profiles = new LinkedHashSet<>();
        profiles.add(r.profile());
        r.sides().forEach(side -> profiles.add(side.id()));
        for (ProfileId p : profiles) {
          names.setString(1, p.value());
          names.setString(2, r.id());
          names.addBatch();
        }
        if (r.kind() == MergeRecord.Kind.SPLIT) {
          for (Identifier id : held(r)) {
            holds.setString(1, id.type().name());
            holds.setString(2, id.value());
            holds.setString(3, r.id());
            holds.addBatch();
          }
        }
      }
      names.executeBatch();
      holds.executeBatch();
    }
  }

  private static void bind(PreparedStatement insert, StoredEvent e) throws SQLException {
    insert.setString(1, e.event().id());
    insert.setString(2, e.anchor().type().name());
    insert.setString(3, e.anchor().value());
    insert.setLong(4, JdbcStorage.epochMillis(e.event().timestamp()));
    insert.setBytes(5, Codec.encode(e.event()));
  }
}
