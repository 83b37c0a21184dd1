package dev.clientele.export;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.export.internal.CsvCell;
import dev.clientele.export.internal.CsvRowWriter;
import dev.clientele.export.internal.JsonRowWriter;
import dev.clientele.export.internal.RowWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes a profile table: the profiles of a {@link ProfileSource}, the columns and format of an
 * {@link ExportRequest}, streamed. Profiles are read from the source in small batches (at most
 * 32 ahead of the row being written, so that the memory reads of a batch overlap) and each is
 * turned into one row, in the source's order, so memory does not grow with the number of
 * profiles (Jackson's generators keep a small buffer and flush it to the stream as it fills).
 *
 * <p>Per profile, in order: the request's {@link ComputedValues} are computed; the
 * {@link ExportRequest#reachableOn() reachability filter}, the email check of
 * {@link Preset#EMAIL_ONLY} and the caller's filter may skip it (counted by reason in the
 * {@link ExportSummary}); otherwise each column extracts its cell and the row is written.
 *
 * <p>Thread-safe: holds no state; each call writes its own table.
 *
 * <pre>{@code
 * try (OutputStream out = Files.newOutputStream(path)) {
 *   ExportSummary s = ProfileExporter.write(ExportRequest.builder().preset(Preset.EMAIL_ONLY).build(),
 *       ProfileSource.all(storage), out);
 * }
 * }</pre>
 */
public final class ProfileExporter {
  private ProfileExporter() {}

  /**
   * Writes the table of {@code request} over the request's own {@link ExportRequest#source()}.
   *
   * @throws IllegalStateException if the request has no source
   * @see #write(ExportRequest, ProfileSource, OutputStream)
   */
  public static ExportSummary write(ExportRequest request, OutputStream out) {
    requireNonNull(request, "request");
    ProfileSource source = request.source().orElseThrow(
        () -> new IllegalStateException("the request has no source: set ExportRequest.Builder.source or pass one"));
    return write(request, source, out);
  }

  /**
   * Writes the table of {@code request} over {@code source} to {@code out} (not closed); the
   * request's own source, if any, is ignored in favour of {@code source}.
   *
   * @return what was read, written and skipped
   * @throws IllegalArgumentException if two columns share a name, or a column gives a value of
   *     an unsupported type
   * @throws IllegalStateException if the request filters on reachability and the computed values
   *     do not say it
   * @throws UncheckedIOException if writing fails
   */
  public static ExportSummary write(ExportRequest request, ProfileSource source, OutputStream out) {
    return write(request, source, out, true);
  }

  /** {@link #write(ExportRequest, ProfileSource, OutputStream)}, with or without fused CSV cell writers ({@link FusedCsvCells}). */
  static ExportSummary write(ExportRequest request, ProfileSource source, OutputStream out, boolean fuse) {
    return write(request, source, out, fuse, ReadAhead.SIZE);
  }

  /**
   * {@link #write(ExportRequest, ProfileSource, OutputStream, boolean)}, reading up to
   * {@code readAhead} profiles ahead of the rows written ({@link ReadAhead}; 1 or less: one by
   * one, the reference the read-ahead is tested against).
   */
  static ExportSummary write(ExportRequest request, ProfileSource source, OutputStream out, boolean fuse, int readAhead) {
    requireNonNull(request, "request");
    requireNonNull(source, "source");
    requireNonNull(out, "out");
    List<ProfileColumn> columns = columns(request, source);
    try (RowWriter w = switch (request.format()) {
      case CSV -> CsvRowWriter.to(out, request.csvOptions());
      case JSON_LINES -> JsonRowWriter.to(out, true);
      case JSON_ARRAY -> JsonRowWriter.to(out, false);
    }) {
      w.start(columns.stream().map(ProfileColumn::name).toList());
      // One row object moved from profile to profile when only this module's code reads it.
      boolean reuseRow = request.filter().isEmpty() && columns.stream().allMatch(c -> c.key() != null);
      return write(request, source, w instanceof CsvRowWriter csv ? csvRows(columns, csv, fuse) : valueRows(columns, w), reuseRow,
          readAhead);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the export", e);
    }
  }

  /**
   * The columns the request resolves to: the preset's (attribute names from the request or, for
   * {@link Preset#ALL_CUSTOMER_INFO}, from one pass over {@code source}) then the added ones.
   *
   * @throws IllegalArgumentException if two columns share a name
   */
  public static List<ProfileColumn> columns(ExportRequest request, ProfileSource source) {
    requireNonNull(request, "request");
    requireNonNull(source, "source");
    List<ProfileColumn> columns = new ArrayList<>();
    if (request.preset().isPresent()) {
      Preset preset = request.preset().get();
      List<String> attributes = request.attributeNames().orElseGet(() -> {
        if (preset != Preset.ALL_CUSTOMER_INFO) {
          return List.of();
        }
        Set<String> names = new TreeSet<>();
        source.forEach(p -> names.addAll(p.attributes().keySet()));
        return List.copyOf(names);
      });
      columns.addAll(preset.columns(attributes, request.computed().names()));
    }
    columns.addAll(request.columns());
    Set<String> seen = new HashSet<>();
    for (ProfileColumn c : columns) {
      checkArgument(seen.add(c.name()), "two columns are named %s", c.name());
    }
    return List.copyOf(columns);
  }

  /** Writes one row of a profile that passed the filters. */
  @FunctionalInterface
  private interface RowOut {
    void write(ProfileRow row) throws IOException;
  }

  /**
   * CSV rows by a column plan compiled once per export: each column's typed cell writer, which
   * writes into the row buffer without a value object per cell, or one writer for a run of
   * columns that {@link FusedCsvCells} writes in one pass.
   */
  private static RowOut csvRows(List<ProfileColumn> columns, CsvRowWriter w, boolean fuse) {
    CsvCell[] plan = FusedCsvCells.plan(columns, fuse);
    return row -> {
      w.startRow();
      for (CsvCell c : plan) {
        c.write(row, w);
      }
      w.endRow();
    };
  }

  /** Rows of extracted values (JSON): each column's value, then the row. */
  private static RowOut valueRows(List<ProfileColumn> columns, RowWriter w) {
    ProfileColumn[] cols = columns.toArray(ProfileColumn[]::new);
    Object[] cells = new Object[cols.length];
    return row -> {
      for (int i = 0; i < cols.length; i++) {
        cells[i] = cols[i].extract(row);
      }
      w.row(cells);
    };
  }

  private static ExportSummary write(ExportRequest request, ProfileSource source, RowOut rows, boolean reuseRow, int readAhead) {
    ComputedValues computed = request.computed();
    boolean noComputed = computed == ComputedValues.NONE;
    String reachName = request.reachableOn().map(ComputedValues::reachableName).orElse(null);
    String notReachable = reachName == null ? null : "not_" + reachName;
    boolean emailOnly = request.preset().filter(p -> p == Preset.EMAIL_ONLY).isPresent();
    var filter = request.filter().orElse(null);
    ExportProgress progress = request.progress();
    long interval = request.progressInterval();
    long[] counts = {0, 0, interval}; // read, written, reads left until the next progress update
    Map<String, Long> skipped = new TreeMap<>();
    ProfileRow[] shared = {null};
    java.util.function.Consumer<Profile> one = p -> {
      requireNonNull(p, "source gave a null profile");
      counts[0]++;
      Map<String, ?> values = noComputed ? Map.of() : computed.values(p);
      ProfileRow row;
      if (!reuseRow) {
        row = ProfileRow.of(p, values);
      } else if (shared[0] == null) {
        row = shared[0] = ProfileRow.of(p, values);
      } else {
        row = shared[0].moveTo(p, requireNonNull(values, "computed values"));
      }
      String skip = skipReason(row, reachName, notReachable, emailOnly, filter);
      if (skip != null) {
        skipped.merge(skip, 1L, Long::sum);
      } else {
        try {
          rows.write(row);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write the export", e);
        }
        counts[1]++;
      }
      if (--counts[2] == 0) { // every interval-th read, without a division per row
        counts[2] = interval;
        progress.update(counts[0], counts[1]);
      }
    };
    if (readAhead <= 1) {
      source.forEach(one);
    } else {
      ReadAhead batch = new ReadAhead(readAhead);
      try {
        source.forEach(p -> {
          if (batch.add(p)) {
            batch.drain(one);
          }
        });
      } catch (RuntimeException | Error e) {
        if (!batch.writeFailed()) {
          // The source itself failed: write what it passed before it did, as one by one would
          // have; if one of those rows fails, that failure came first.
          try {
            batch.drain(one);
          } catch (RuntimeException | Error w) {
            w.addSuppressed(e);
            throw w;
          }
        }
        throw e;
      }
      batch.drain(one);
    }
    progress.update(counts[0], counts[1]);
    return new ExportSummary(counts[0], counts[1], skipped);
  }

  private static String skipReason(ProfileRow row, String reachName, String notReachable, boolean emailOnly,
      java.util.function.Predicate<ProfileRow> filter) {
    if (reachName != null) {
      Object r = row.computed(reachName).orElseThrow(() -> new IllegalStateException(
          "the export filters on " + reachName + " but no computed value gives it for profile " + row.profile().id()
              + " (export through Clientele.exportProfiles, or supply it with ComputedValues)"));
      if (!(r instanceof Boolean b)) {
        throw new IllegalStateException("computed value " + reachName + " must be a Boolean: " + r.getClass().getName());
      }
      if (!b) {
        return notReachable;
      }
    }
    if (emailOnly && lacksEmail(row.profile())) {
      return "no_email";
    }
    if (filter != null && !filter.test(row)) {
      return "filtered";
    }
    return null;
  }

  private static boolean lacksEmail(Profile p) {
    return p.lastSeen(IdentifierType.EMAIL).isEmpty();
  }
}
