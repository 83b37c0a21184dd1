/**
 * Streaming writers: profile tables ({@link dev.clientele.export.ProfileExporter}) and daily
 * chart series ({@link dev.clientele.export.SeriesExporter}) as CSV or JSON, and the
 * data-portability bundle of one profile ({@link dev.clientele.export.PortabilityBundle}).
 * {@code dev.clientele.export.internal} is not API.
 *
 * <pre>{@code
 * ExportRequest request = ExportRequest.builder()
 *     .preset(Preset.ALL_CUSTOMER_INFO)                 // or EMAIL_ONLY, or columns(...)
 *     .format(ExportFormat.CSV)                         // JSON_LINES, JSON_ARRAY
 *     .csvOptions(CsvOptions.builder().delimiter(';').build())
 *     .progress((read, written) -> log.info("{} rows", written), 100_000)
 *     .build();
 * ExportSummary s = ProfileExporter.write(request, ProfileSource.all(storage), out);
 * // with reachability per channel filled in by the facade:
 * clientele.exportProfiles(request, out);
 * }</pre>
 *
 * <h2>Decisions recorded here</h2>
 * <ul>
 *   <li><b>Streaming.</b> Profiles are pulled from a {@link dev.clientele.export.ProfileSource}
 *       one at a time (stores page through {@code ProfileStore.profiles}); each becomes one row,
 *       written through Jackson's streaming generators (CSV: {@code CsvGenerator}; JSON:
 *       {@code JsonGenerator}), never a tree or a list of rows. Memory is one row plus the
 *       generators' buffers, whatever the number of profiles. One exception, by choice:
 *       {@link dev.clientele.export.Preset#ALL_CUSTOMER_INFO} without explicit attribute names
 *       reads the source once more first, holding only the set of attribute names.
 *   <li><b>Typed CSV cells.</b> For CSV, each built-in column writes its cell with an internal
 *       typed writer (numbers, times, booleans, multi-valued cells), resolved once per export;
 *       it writes exactly the bytes its extracted value would (a property test holds the two
 *       paths together). Host columns and computed values go through their extracted value.
 *       JSON always extracts values.
 *   <li><b>One row buffer, Jackson for quoting.</b> A CSV row is assembled in one reused
 *       {@code char[]} and handed to Jackson's {@code CsvGenerator} as raw text once per row
 *       (Jackson encodes it to UTF-8); a cell that needs quotes (it holds the delimiter, a quote
 *       or a line break: Jackson's strict test, applied exactly) is written by the generator's
 *       {@code writeString}, so Jackson still does all quoting. Numbers and times are formatted
 *       straight into the buffer, with no {@code String} per cell. Chosen for speed: per cell,
 *       the generator's value calls cost about as much as extracting the cell.
 *   <li><b>Fused writers.</b> The fixed columns of {@link dev.clientele.export.Preset#ALL_CUSTOMER_INFO}
 *       are written by one call that walks the identifiers once, and consecutive attribute
 *       columns in name order by one merge walk over the profile's sorted attributes; the plan
 *       finds such runs whatever the column names, and a property test requires the same bytes
 *       as the columns' own writers one by one.
 *   <li><b>Columns.</b> A column is a name and an extractor over a
 *       {@link dev.clientele.export.ProfileRow}: the profile plus values the caller computed for
 *       it ({@link dev.clientele.export.ComputedValues}). This module depends on
 *       {@code core} and {@code consent} (for the consent ledger of the portability bundle),
 *       not on {@code analytics}: reachability, activity status and CLV reach it as computed
 *       values; {@code Clientele.exportProfiles} fills reachability, and
 *       {@code Clientele.activityStatusValues(day)} gives activity status. Historic value
 *       (revenue, order count, average order value, first/last order) comes from the profile.
 *   <li><b>Sources.</b> All profiles, a filter, a collection or iterator, or a search
 *       ({@link dev.clientele.export.ProfileSource#search}: every match in id order; the
 *       search's sort is not applied, because sorting would need every match in memory).
 *       A segment plugs in as a {@code ProfileSource}.
 *   <li><b>CSV.</b> RFC 4180: a header row (always, even with no rows), UTF-8 without a BOM,
 *       CRLF by default (LF on request), delimiter configurable. A field is quoted only when it
 *       holds the delimiter, a quote or a line break (edge spaces are kept unquoted); quotes
 *       are doubled.
 *       Numbers are plain ({@code 50.00}, never {@code 5E+1}); times ISO-8601 UTC; booleans
 *       {@code true}/{@code false}; absent values empty. Multi-valued cells use
 *       {@link dev.clientele.export.MultiValues} ({@code |}-joined, {@code \}-escaped); a map is
 *       written as JSON text.
 *   <li><b>Formulas.</b> Text cells a spreadsheet would evaluate are prefixed with {@code '}
 *       ({@link dev.clientele.export.FormulaGuard#PREFIX} by default; {@code PREFIX_ALL} also
 *       guards signed numbers such as phone numbers; {@code OFF} for machine consumers). The
 *       prefix is reversible ({@link dev.clientele.export.FormulaGuard#undo}). JSON is never
 *       guarded: it is not opened by spreadsheets and must round-trip exactly.
 *   <li><b>JSON.</b> One object per row, keys being the column names; lists are arrays, maps
 *       objects, absent values {@code null}, decimals exact and plain. JSON Lines ends every
 *       line with {@code \n}; an array is written compactly on one line.
 *   <li><b>Nothing silently dropped.</b> Profiles not written are counted by reason in the
 *       {@link dev.clientele.export.ExportSummary}.
 * </ul>
 */
package dev.clientele.export;
