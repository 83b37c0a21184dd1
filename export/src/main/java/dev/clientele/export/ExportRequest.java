package dev.clientele.export;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Channel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What to export: which profiles, which columns, which format. Immutable; made by
 * {@link #builder()}. Run it with {@link ProfileExporter#write} or, with reachability filled
 * in, {@code Clientele.exportProfiles(request, out)}.
 *
 * <pre>{@code
 * ExportRequest mailingList = ExportRequest.builder()
 *     .preset(Preset.EMAIL_ONLY)
 *     .reachableOn(Channel.EMAIL)
 *     .format(ExportFormat.CSV)
 *     .build();
 * ExportRequest custom = ExportRequest.builder()
 *     .columns(List.of(ProfileColumn.id(), ProfileColumn.lastSeen(IdentifierType.EMAIL), ProfileColumn.attribute("city")))
 *     .format(ExportFormat.JSON_LINES)
 *     .progress((read, written) -> System.err.println(read), 100_000)
 *     .build();
 * }</pre>
 *
 * @param format the output format
 * @param csvOptions delimiter, line separator and formula guarding (CSV only)
 * @param preset the preset, when the columns come from one
 * @param columns explicit columns (without a preset), or columns added after the preset's
 * @param attributeNames the attribute columns of {@link Preset#ALL_CUSTOMER_INFO}; empty: every
 *     attribute name found in the source (which is then read twice)
 * @param computed values the caller computes per profile (see {@link ComputedValues})
 * @param reachableOn when present, only profiles reachable on this channel are written; needs the
 *     computed value {@link ComputedValues#reachableName}
 * @param filter only rows passing it are written (after the reachability filter)
 * @param source the profiles; empty: the caller decides (the facade uses every profile)
 * @param progress told how the export goes
 * @param progressInterval profiles read between progress reports
 */
public record ExportRequest(
    ExportFormat format,
    CsvOptions csvOptions,
    Optional<Preset> preset,
    List<ProfileColumn> columns,
    Optional<List<String>> attributeNames,
    ComputedValues computed,
    Optional<Channel> reachableOn,
    Optional<Predicate<ProfileRow>> filter,
    Optional<ProfileSource> source,
    ExportProgress progress,
    long progressInterval) {
  /** The default number of profiles read between two progress reports. */
  public static final long DEFAULT_PROGRESS_INTERVAL = 10_000;

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if there is neither a preset nor a column, if {@code
   *     progressInterval} is below 1, or if {@code attributeNames} are given without the preset
   *     {@link Preset#ALL_CUSTOMER_INFO} (they would have no effect)
   */
  public ExportRequest {
    requireNonNull(format, "format");
    requireNonNull(csvOptions, "csvOptions");
    requireNonNull(preset, "preset");
    columns = ImmutableList.copyOf(requireNonNull(columns, "columns"));
    attributeNames = requireNonNull(attributeNames, "attributeNames").map(ImmutableList::copyOf);
    requireNonNull(computed, "computed");
    requireNonNull(reachableOn, "reachableOn");
    requireNonNull(filter, "filter");
    requireNonNull(source, "source");
    requireNonNull(progress, "progress");
    checkArgument(progressInterval >= 1, "progressInterval must be >= 1: %s", progressInterval);
    checkArgument(preset.isPresent() || !columns.isEmpty(), "an export needs a preset or at least one column");
    checkArgument(attributeNames.isEmpty() || preset.equals(Optional.of(Preset.ALL_CUSTOMER_INFO)),
        "attributeNames choose the attribute columns of preset ALL_CUSTOMER_INFO; this export has %s",
        preset.map(p -> "preset " + p).orElse("explicit columns"));
  }

  /** A builder: CSV, default options, {@link Preset#ALL_CUSTOMER_INFO} unless columns are given. */
  public static Builder builder() {
    return new Builder();
  }

  /** A copy reading profiles from {@code value}. */
  public ExportRequest withSource(ProfileSource value) {
    return new ExportRequest(format, csvOptions, preset, columns, attributeNames, computed, reachableOn, filter,
        Optional.of(requireNonNull(value, "source")), progress, progressInterval);
  }

  /** A copy with {@code value} computed before the request's own computed values. */
  public ExportRequest withComputedFirst(ComputedValues value) {
    return new ExportRequest(format, csvOptions, preset, columns, attributeNames, requireNonNull(value, "computed").and(computed),
        reachableOn, filter, source, progress, progressInterval);
  }

  /** Builds an {@link ExportRequest}; each setting may be set once. Not thread-safe. */
  public static final class Builder {
    private ExportFormat format;
    private CsvOptions csvOptions;
    private Preset preset;
    private boolean columnsSet;
    private final List<ProfileColumn> columns = new ArrayList<>();
    private List<String> attributeNames;
    private ComputedValues computed;
    private Channel reachableOn;
    private Predicate<ProfileRow> filter;
    private ProfileSource source;
    private ExportProgress progress;
    private long progressInterval;

    private Builder() {}

    /** The format (default {@link ExportFormat#CSV}). */
    public Builder format(ExportFormat value) {
      checkState(format == null, "format was already set to %s", format);
      this.format = requireNonNull(value, "format");
      return this;
    }

    /** CSV options (default {@link CsvOptions#defaults()}). */
    public Builder csvOptions(CsvOptions value) {
      checkState(csvOptions == null, "csv options were already set");
      this.csvOptions = requireNonNull(value, "csvOptions");
      return this;
    }

    /** Takes the columns from a preset (default {@link Preset#ALL_CUSTOMER_INFO} when no columns are set). */
    public Builder preset(Preset value) {
      checkState(preset == null, "preset was already set to %s", preset);
      checkState(!columnsSet, "columns were already set; a preset and explicit columns do not combine (use addColumn)");
      this.preset = requireNonNull(value, "preset");
      return this;
    }

    /** Exactly these columns, in order, instead of a preset. */
    public Builder columns(List<ProfileColumn> value) {
      checkState(!columnsSet, "columns were already set");
      checkState(preset == null, "preset was already set to %s; a preset and explicit columns do not combine (use addColumn)", preset);
      requireNonNull(value, "columns");
      checkArgument(!value.isEmpty(), "columns must not be empty");
      value.forEach(c -> requireNonNull(c, "column"));
      columns.addAll(value);
      columnsSet = true;
      return this;
    }

    /** Adds a column after the preset's or the explicit ones (e.g. a host's own figure). */
    public Builder addColumn(ProfileColumn value) {
      columns.add(requireNonNull(value, "column"));
      return this;
    }

    /**
     * The attribute columns of {@link Preset#ALL_CUSTOMER_INFO} (default: every name found in the
     * source); {@link #build()} refuses them with another preset or with explicit {@link #columns}.
     */
    public Builder attributeNames(Collection<String> value) {
      checkState(attributeNames == null, "attribute names were already set");
      requireNonNull(value, "attributeNames");
      value.forEach(n -> checkArgument(n != null && !n.isEmpty(), "attribute names must not be null or empty"));
      value.forEach(n -> checkArgument(ProfileColumn.isAttributeName(n),
          "attribute names must match [a-z][a-z0-9_]{0,63}: %s", dev.clientele.core.Pii.mask(n)));
      this.attributeNames = List.copyOf(value);
      return this;
    }

    /** Values computed per profile by the caller (default {@link ComputedValues#NONE}). */
    public Builder computed(ComputedValues value) {
      checkState(computed == null, "computed values were already set");
      this.computed = requireNonNull(value, "computed");
      return this;
    }

    /**
     * Only profiles reachable on {@code channel} (e.g. for a mailing-list sync); the others are
     * counted as {@code not_reachable_CHANNEL}. The reachability comes from the computed value
     * {@link ComputedValues#reachableName(Channel)}, which {@code Clientele.exportProfiles} fills.
     */
    public Builder reachableOn(Channel value) {
      checkState(reachableOn == null, "reachable channel was already set to %s", reachableOn);
      this.reachableOn = requireNonNull(value, "channel");
      return this;
    }

    /** Only rows passing {@code value} are written; the others are counted as {@code filtered}. */
    public Builder filter(Predicate<ProfileRow> value) {
      checkState(filter == null, "filter was already set");
      this.filter = requireNonNull(value, "filter");
      return this;
    }

    /** Where profiles come from (default: every profile, when run by the facade). */
    public Builder source(ProfileSource value) {
      checkState(source == null, "source was already set");
      this.source = requireNonNull(value, "source");
      return this;
    }

    /** Progress reports every {@code interval} profiles read, and once at the end. */
    public Builder progress(ExportProgress value, long interval) {
      checkState(progress == null, "progress was already set");
      checkArgument(interval >= 1, "progress interval must be >= 1: %s", interval);
      this.progress = requireNonNull(value, "progress");
      this.progressInterval = interval;
      return this;
    }

    /**
     * Builds the request.
     *
     * @throws IllegalArgumentException if attribute names were given with a preset other than
     *     {@link Preset#ALL_CUSTOMER_INFO} or with explicit columns
     */
    public ExportRequest build() {
      Optional<Preset> p = Optional.ofNullable(preset);
      if (p.isEmpty() && !columnsSet) {
        p = Optional.of(Preset.ALL_CUSTOMER_INFO);
      }
      return new ExportRequest(
          format != null ? format : ExportFormat.CSV,
          csvOptions != null ? csvOptions : CsvOptions.defaults(),
          p,
          columns,
          Optional.ofNullable(attributeNames),
          computed != null ? computed : ComputedValues.NONE,
          Optional.ofNullable(reachableOn),
          Optional.ofNullable(filter),
          Optional.ofNullable(source),
          progress != null ? progress : ExportProgress.NONE,
          progress != null ? progressInterval : DEFAULT_PROGRESS_INTERVAL);
    }
  }
}
