package dev.clientele.benchmarks;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.clientele.core.Attribute;
import dev.clientele.core.Consent;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.export.ExportRequest;
import dev.clientele.export.ExportSummary;
import dev.clientele.export.Preset;
import dev.clientele.export.ProfileExporter;
import dev.clientele.export.ProfileSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Export of {@value #PROFILES} profiles to CSV ({@link Preset#ALL_CUSTOMER_INFO}, 28 columns)
 * beside Jackson's CSV writer writing the same rows, already prepared as {@code String[]}: once
 * through databind's {@link SequenceWriter} and once through the streaming {@link CsvGenerator}
 * (the floor: quoting and encoding only). Every variant writes to the same byte-counting sink, so
 * the score is CPU per profile, not disk. The score is time per profile.
 *
 * <p>The prepared rows are exactly what the exporter writes: the exporter's own output, parsed
 * back with Jackson (untimed), so both sides quote and encode the same cells. The set-up checks
 * that every variant writes the same bytes (length and CRC-32C) and fails the trial otherwise. Profiles: 1–2
 * emails, a customer id, a phone for 40 %, orders for 30 %, first/last name, city and a custom
 * attribute, a tag for 10 %; seeded.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ExportBenchmark -f 1 -wi 3 -i 5 -jvmArgs -Xmx10g
 * </pre>
 *
 * <p>Each invocation also prints the benchmark thread's CPU time per profile ({@code [cpu N
 * ns/profile]}), the figure to compare when the machine is shared.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ExportBenchmark.PROFILES)
public class ExportBenchmark {
  /** Profiles exported per invocation. */
  public static final int PROFILES = 1_000_000;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String[] FIRST = {"Ann", "Bob", "Chloé", "Dmitri", "Eşref", "Fatima", "Gus", "Hana"};
  private static final String[] LAST = {"Hall", "O'Neil", "Novak", "Smith, Jr.", "Lee", "Dubois"};
  private static final String[] CITY = {"Leeds", "Lyon", "New York, NY", "İstanbul", "Zürich"};

  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  private List<Profile> profiles;
  private InMemoryStorage storage;
  private ExportRequest request;
  private List<String[]> rows;
  private CsvSchema schema;
  private final CsvMapper mapper = new CsvMapper();
  private final CsvFactory factory = new CsvFactory();

  /** Builds the profiles, the store and the prepared rows. */
  @Setup(Level.Trial)
  public void prepare() throws IOException {
    SplittableRandom random = new SplittableRandom(20261123);
    profiles = new ArrayList<>(PROFILES);
    storage = new InMemoryStorage();
    for (int i = 0; i < PROFILES; i++) {
      Profile p = profile(i, random);
      profiles.add(p);
      storage.commit(Commit.builder().putProfile(p, 0).build());
    }
    request = ExportRequest.builder().preset(Preset.ALL_CUSTOMER_INFO)
        .attributeNames(List.of("city", "first_name", "last_name", "loyalty_note")).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream(512 << 20);
    ProfileExporter.write(request, ProfileSource.of(profiles), out);
    rows = new ArrayList<>(PROFILES + 1);
    try (MappingIterator<String[]> it = mapper.readerFor(String[].class).with(CsvParser.Feature.WRAP_AS_ARRAY)
        .readValues(out.toByteArray())) {
      it.forEachRemaining(rows::add);
    }
    String[] header = rows.remove(0);
    if (rows.size() != PROFILES) {
      throw new IllegalStateException("prepared " + rows.size() + " rows");
    }
    CsvSchema.Builder b = CsvSchema.builder().setUseHeader(true).setLineSeparator("\r\n");
    for (String h : header) {
      b.addColumn(h);
    }
    schema = b.build();
    checkSameBytes(out.toByteArray());
  }

  /**
   * The comparison is only fair if every variant writes the same file: checks, once per trial,
   * that the store export and both Jackson baselines write exactly the bytes of the list export
   * (length and CRC-32C; the list export's bytes are at hand, the others are only digested).
   */
  private void checkSameBytes(byte[] expected) throws IOException {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(expected);
    String want = expected.length + " bytes, crc " + Long.toHexString(crc.getValue());
    java.util.Map<String, java.util.function.Supplier<String>> variants = new java.util.LinkedHashMap<>();
    variants.put("clienteleFromStore", () -> {
      Sink sink = Sink.digesting();
      ProfileExporter.write(request, ProfileSource.all(storage), sink);
      return sink.digest();
    });
    variants.put("jacksonSequenceWriter", () -> digest(this::sequenceWriter));
    variants.put("jacksonCsvGenerator", () -> digest(this::csvGenerator));
    for (var v : variants.entrySet()) {
      String got = v.getValue().get();
      if (!got.equals(want)) {
        throw new IllegalStateException(v.getKey() + " wrote " + got + ", the exporter " + want + ": not the same file");
      }
    }
  }

  /**
   * Prints the CPU time of the benchmark thread per profile for this invocation (one invocation
   * writes all {@value #PROFILES} rows, so the call costs nothing measurable). On a shared machine
   * wall time mostly measures the other jobs; CPU time much less so. GC threads are not counted.
   */
  private static void printCpu(long start) {
    System.out.printf(Locale.ROOT, " [cpu %.0f ns/profile] ", (THREADS.getCurrentThreadCpuTime() - start) / (double) PROFILES);
  }

  /** Writes prepared rows to a sink. */
  @FunctionalInterface
  private interface Writing {
    void writeTo(Sink sink) throws IOException;
  }

  private static String digest(Writing writing) {
    Sink sink = Sink.digesting();
    try {
      writing.writeTo(sink);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return sink.digest();
  }

  private static Profile profile(int i, SplittableRandom random) {
    Instant created = T0.plusSeconds(random.nextInt(20_000_000));
    Profile.Builder b = Profile.builder(ProfileId.of(String.format(Locale.ROOT, "p-%08d", i)), created).version(1);
    int emails = 1 + random.nextInt(2);
    for (int e = 0; e < emails; e++) {
      IdentifierState s = IdentifierState.firstSeen(Identifier.of(IdentifierType.EMAIL, "user" + i + "." + e + "@example.com"),
          created.plusSeconds(e * 1000L), true, "web");
      b.putIdentifier(random.nextInt(3) == 0 ? s.withConsent(Consent.OPT_IN, created) : s);
    }
    b.putIdentifier(IdentifierState.firstSeen(Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + (100_000 + i)), created, true, "crm"));
    if (random.nextInt(100) < 40) {
      b.putIdentifier(IdentifierState.firstSeen(
          Identifier.of(IdentifierType.PHONE, "+4420794" + String.format(Locale.ROOT, "%05d", i % 100_000)), created, true, "crm"));
    }
    b.putAttribute(new Attribute("first_name", FIRST[random.nextInt(FIRST.length)], "crm", created));
    b.putAttribute(new Attribute("last_name", LAST[random.nextInt(LAST.length)], "crm", created));
    b.putAttribute(new Attribute("city", CITY[random.nextInt(CITY.length)], "crm", created));
    if (random.nextInt(20) == 0) {
      b.putAttribute(new Attribute("loyalty_note", "=gold \"vip\"\nsince " + (2000 + random.nextInt(26)), "crm", created));
    }
    if (random.nextInt(100) < 30) {
      OrderSummary o = OrderSummary.NONE;
      int n = 1 + random.nextInt(5);
      for (int k = 0; k < n; k++) {
        o = o.plus(BigDecimal.valueOf(500 + random.nextInt(20_000), 2), created.plusSeconds(3600L * (k + 1)));
      }
      b.orders(o);
    }
    if (random.nextInt(10) == 0) {
      b.addTag("favourite");
    }
    b.activity(Optional.of(created), Optional.of(created.plusSeconds(random.nextInt(1_000_000))));
    b.eventCount(1 + random.nextInt(50));
    return b.build();
  }

  /** Clientele's exporter over the prepared profiles: extraction, guarding, encoding. */
  @Benchmark
  public long clientele() {
    long cpu = THREADS.getCurrentThreadCpuTime();
    Sink sink = new Sink();
    ExportSummary s = ProfileExporter.write(request, ProfileSource.of(profiles), sink);
    printCpu(cpu);
    return s.rowsWritten() + sink.bytes;
  }

  /** The same export reading the profiles from the in-memory store page by page. */
  @Benchmark
  public long clienteleFromStore() {
    long cpu = THREADS.getCurrentThreadCpuTime();
    Sink sink = new Sink();
    ExportSummary s = ProfileExporter.write(request, ProfileSource.all(storage), sink);
    printCpu(cpu);
    return s.rowsWritten() + sink.bytes;
  }

  /** Baseline: Jackson's databind SequenceWriter writing the prepared rows (same quoting rule as the exporter). */
  @Benchmark
  public long jacksonSequenceWriter() throws IOException {
    long cpu = THREADS.getCurrentThreadCpuTime();
    Sink sink = new Sink();
    sequenceWriter(sink);
    printCpu(cpu);
    return sink.bytes;
  }

  private void sequenceWriter(Sink sink) throws IOException {
    try (SequenceWriter w = mapper.writer(schema).with(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).writeValues(sink)) {
      for (String[] row : rows) {
        w.write(row);
      }
    }
  }

  /** Floor: Jackson's streaming CsvGenerator writing the prepared rows cell by cell. */
  @Benchmark
  public long jacksonCsvGenerator() throws IOException {
    long cpu = THREADS.getCurrentThreadCpuTime();
    Sink sink = new Sink();
    csvGenerator(sink);
    printCpu(cpu);
    return sink.bytes;
  }

  private void csvGenerator(Sink sink) throws IOException {
    try (CsvGenerator g = factory.createGenerator(sink, JsonEncoding.UTF8)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING);
      g.setSchema(schema);
      for (String[] row : rows) {
        g.writeStartArray();
        for (String cell : row) {
          g.writeString(cell);
        }
        g.writeEndArray();
      }
    }
  }

  /** Counts bytes and drops them; digests them too when made for {@link #checkSameBytes}. */
  static final class Sink extends OutputStream {
    long bytes;
    private final java.util.zip.CRC32C crc;

    /** A sink that only counts (the measured one). */
    Sink() {
      this(false);
    }

    private Sink(boolean digest) {
      this.crc = digest ? new java.util.zip.CRC32C() : null;
    }

    static Sink digesting() {
      return new Sink(true);
    }

    String digest() {
      return bytes + " bytes, crc " + Long.toHexString(crc.getValue());
    }

    @Override
    public void write(int b) {
      bytes++;
      if (crc != null) {
        crc.update(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
      if (crc != null) {
        crc.update(b, off, len);
      }
    }
  }
}
