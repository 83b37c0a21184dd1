package dev.clientele.export;

/**
 * Told how a long export is going: every {@code interval} profiles read (see
 * {@link ExportRequest.Builder#progress}) and once at the end. Called on the exporting thread;
 * an exception it throws stops the export and reaches the caller.
 *
 * <pre>{@code
 * ExportRequest.builder().progress((read, written) -> log.info("{} read, {} written", read, written), 100_000)
 * }</pre>
 */
@FunctionalInterface
public interface ExportProgress {
  /** Does nothing. */
  ExportProgress NONE = (read, written) -> { };

  /**
   * Reports progress.
   *
   * @param profilesRead profiles processed so far (the exporter reads up to 32 ahead, so the
   *     source may have passed that many more)
   * @param rowsWritten rows written so far (profiles read minus those skipped)
   */
  void update(long profilesRead, long rowsWritten);
}
