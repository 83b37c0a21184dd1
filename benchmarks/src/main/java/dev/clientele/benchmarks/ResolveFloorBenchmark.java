package dev.clientele.benchmarks;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.identity.IdentityResolver;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.ResolvedIdentifiers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A diagnostic, not Clientele's figure: how cheap can identifier resolution be? It sets the real
 * {@link IdentityResolver#resolve} beside a hand-written flat resolver ({@link FlatResolver})
 * that gives the same outputs under {@link IdentityRules#defaults()}, on the events of
 * {@link EventFixture#defaults()}, in the same JMH shape as {@link IngestBenchmark} and
 * {@link IngestFloorBenchmark} (so it runs beside {@link IngestBenchmark#baselineHashMap}).
 *
 * <ul>
 *   <li>{@link #realResolve}: a new {@code IdentityResolver} per invocation (cold cache), its
 *       {@code resolve} per event, the list sizes summed.
 *   <li>{@link #flatResolve}: a new {@link FlatResolver} per invocation (cold tables), its
 *       {@code resolve} per event, which writes the event's normalised identifiers into reusable
 *       arrays (type, value, class, problem code, and an order: linkable by priority, then
 *       malformed by priority, then blocked in first-occurrence order); the counts summed.
 *   <li>{@link #realResolveWarm}, {@link #flatResolveWarm}: the same with resolvers that have seen
 *       every event once (per trial, untimed), so nothing is parsed or first seen: the difference
 *       from the cold figures is the first sightings' cost (mostly libphonenumber).
 *   <li>{@link #flatResolveInterned}: {@link #flatResolve} with emails looked up by their normal
 *       form instead of lower-cased into a new {@code String}.
 *   <li>{@link #scanFloor}: not a resolver; only the reads any resolver must make.
 * </ul>
 *
 * <p>The flat resolver does the normalisation the issue requires: emails stripped and lower-cased
 * with {@link Locale#ROOT} and checked for shape, phones parsed to E.164 with libphonenumber
 * (default region US; a leading {@code 00} read as {@code +}; all-zero national numbers blocked;
 * invalid numbers kept as given, stripped, and malformed), other types stripped, the blocked
 * values (and any blocked patterns) checked after normalisation, duplicates after normalisation
 * folded (the most usable class kept), priority order. An email in its common spelling
 * (printable ASCII of the valid shape, maybe upper-case letters and surrounding spaces) is
 * checked in one scan and, only when it differs from its normal form, lower-cased into a new
 * {@code String}; other emails are normalised as the real normaliser does, then looked up by
 * their normal form (so the regular expression runs once per value). A phone spelled with
 * digits, separators and a leading {@code +} or {@code 00} is looked up by its spelling key
 * ({@code +} and the digits, as {@code PhoneNormalizer.spellingKey}), hashed from the raw text
 * without making the key, in a flat open-addressing table; its first sighting is really parsed.
 * Other phone spellings are looked up by their raw text and parsed on first sighting. With
 * {@code internEmails} ({@link #flatResolveInterned}) common-spelling emails are looked up the
 * same way, by their normal form hashed from the raw text, so a repeated value makes nothing.
 *
 * <p>Its tables are unbounded (the real resolver's cache holds 500 000 entries, which this
 * fixture does not fill), single-threaded, and have no {@code forget} for erasure.
 *
 * <p><b>Honesty checks.</b> Once per trial (untimed, {@link #generate}) every event of the
 * fixture and a set of hand-made edge cases go through both resolvers, each edge case twice (cold
 * and cached), and the trial fails unless the flat output equals {@link ResolvedIdentifiers}
 * exactly: the normalised event's identifiers in first-occurrence order, the linkable, malformed
 * and blocked lists in order, and the problem lines. Every measured invocation then checks
 * (untimed, {@link #check}) that its summed linkable, malformed and blocked counts equal those of
 * the verified pass. {@link #main} runs the verification alone, also under a Turkish default
 * locale.
 *
 * <pre>
 * java -Djmh.ignoreLock=true -jar benchmarks/target/benchmarks.jar '(IngestBenchmark.baselineHashMap|ResolveFloorBenchmark.*)$' -f 1 -wi 2 -i 3 -jvmArgs -Xmx8g
 * java -cp benchmarks/target/benchmarks.jar dev.clientele.benchmarks.ResolveFloorBenchmark [events people]
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(EventFixture.DEFAULT_EVENTS)
public class ResolveFloorBenchmark {
  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
  private List<Event> events;
  /** Summed list sizes of the verified pass: linkable, malformed, blocked. */
  private long[] expected;
  private IdentityResolver real;
  private FlatResolver flat;
  private FlatResolver interned;
  /** Resolvers that have seen every event once (made per trial, untimed): no first sightings left. */
  private IdentityResolver warmReal;
  private FlatResolver warmFlat;
  private long linkableSum;
  private long malformedSum;
  private long blockedSum;
  /** What {@link #scanFloor} read, so that the reads are not optimised away; -1 in the sums marks its invocations. */
  private long scanned;
  private long cpuStart;

  /**
   * Builds the fixture once per trial and verifies the flat resolver against the real one on it
   * and on edge cases, untimed; for a warm benchmark, also its warm resolver.
   *
   * @param params the trial's parameters (which benchmark runs)
   */
  @Setup(Level.Trial)
  public void generate(org.openjdk.jmh.infra.BenchmarkParams params) {
    EventFixture fixture = EventFixture.defaults();
    events = fixture.events();
    System.out.println();
    System.out.println("fixture: " + fixture.summary());
    expected = verify(events, IdentityRules.defaults());
    verify(edgeCases(), IdentityRules.defaults());
    verify(edgeCases(), customRules());
    // Warm resolvers only for the warm benchmarks, so that the cold ones do not keep them alive.
    warmReal = null;
    warmFlat = null;
    if (params.getBenchmark().endsWith("realResolveWarm")) {
      warmReal = new IdentityResolver(IdentityRules.defaults());
      for (int i = 0; i < events.size(); i++) {
        warmReal.resolve(events.get(i));
      }
    } else if (params.getBenchmark().endsWith("flatResolveWarm")) {
      warmFlat = new FlatResolver(IdentityRules.defaults(), false);
      for (int i = 0; i < events.size(); i++) {
        warmFlat.resolve(events.get(i));
      }
    }
    System.out.printf(Locale.ROOT, "verified: flat = real on %,d events and %,d edge cases; linkable %,d, malformed %,d, blocked %,d%n",
        events.size(), edgeCases().size(), expected[0], expected[1], expected[2]);
  }

  /** New resolvers (cold cache and tables) per invocation, a {@code System.gc()} beforehand, untimed. */
  @Setup(Level.Invocation)
  public void freshInstance() {
    real = null;
    flat = null;
    interned = null;
    System.gc();
    real = new IdentityResolver(IdentityRules.defaults());
    flat = new FlatResolver(IdentityRules.defaults(), false);
    interned = new FlatResolver(IdentityRules.defaults(), true);
    linkableSum = 0;
    malformedSum = 0;
    blockedSum = 0;
    cpuStart = THREADS.getCurrentThreadCpuTime();
  }

  /**
   * Prints the CPU time per event (as {@link IngestBenchmark} does), then checks that the
   * invocation's summed counts equal those of the verified pass, untimed. After a cold flat run
   * it also prints how many phones were parsed and its table sizes.
   */
  @TearDown(Level.Invocation)
  public void check() {
    long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
    System.out.printf(Locale.ROOT, "%n  cpu per event: %.0f ns (this thread %.0f, second thread %.0f)%n",
        (double) cpu / events.size(), (double) cpu / events.size(), 0.0);
    if (linkableSum == -1) {
      System.out.printf(Locale.ROOT, "  scan only (no outputs to check): %d%n", scanned & 0xff);
      return;
    }
    if (linkableSum != expected[0] || malformedSum != expected[1] || blockedSum != expected[2]) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "counts differ from the verified pass: linkable %d/%d, malformed %d/%d, blocked %d/%d",
          linkableSum, expected[0], malformedSum, expected[1], blockedSum, expected[2]));
    }
    for (FlatResolver f : new FlatResolver[] {flat, interned}) {
      if (f.phoneParses > 0) {
        System.out.printf(Locale.ROOT, "  flat: %,d phone parses; %,d email, %,d phone-key and %,d phone-spelling entries%n",
            f.phoneParses, f.emails.size, f.phoneKeys.size, f.phoneRaws.size);
      }
    }
  }

  /** The real resolver, cold, over every event; the list sizes are summed. */
  @Benchmark
  public long realResolve() {
    return runReal(real);
  }

  /**
   * The real resolver after it has seen every event (cache full, no phone parsed): the difference
   * from {@link #realResolve} is what first sightings cost.
   */
  @Benchmark
  public long realResolveWarm() {
    return runReal(warmReal);
  }

  /** {@link #flatResolve} after it has seen every event (tables full, no phone parsed). */
  @Benchmark
  public long flatResolveWarm() {
    return runFlat(warmFlat);
  }

  private long runReal(IdentityResolver r) {
    List<Event> evs = events;
    long l = 0;
    long m = 0;
    long b = 0;
    for (int i = 0, n = evs.size(); i < n; i++) {
      ResolvedIdentifiers res = r.resolve(evs.get(i));
      l += res.linkable().size();
      m += res.malformed().size();
      b += res.blocked().size();
    }
    linkableSum = l;
    malformedSum = m;
    blockedSum = b;
    return l;
  }

  /**
   * The flat resolver, cold, over every event; the counts are summed. An email whose normal form
   * differs from its raw text is lower-cased into a new {@code String} (no lookup).
   */
  @Benchmark
  public long flatResolve() {
    return runFlat(flat);
  }

  /**
   * As {@link #flatResolve}, but an email in its common spelling is looked up by its normal form
   * in a table, so no {@code String} is made after its first sighting (one lookup per email).
   */
  @Benchmark
  public long flatResolveInterned() {
    return runFlat(interned);
  }

  /**
   * A diagnostic lower bound, not a resolver (it has no outputs): per event, its identifier list;
   * per identifier, its type and value, and every character of an email or a phone (lower-casing
   * and the phone spelling key must look at each) or the two ends of any other value (stripping
   * looks there). What any resolver reads, before it decides or writes anything.
   */
  @Benchmark
  public long scanFloor() {
    List<Event> evs = events;
    long acc = 0;
    for (int i = 0, n = evs.size(); i < n; i++) {
      List<Identifier> ids = evs.get(i).identifiers();
      for (int j = 0, m = ids.size(); j < m; j++) {
        Identifier id = ids.get(j);
        IdentifierType t = id.type();
        String v = id.value();
        int len = v.length();
        if (t == IdentifierType.EMAIL || t == IdentifierType.PHONE) {
          int h = 0;
          for (int k = 0; k < len; k++) {
            h = 31 * h + v.charAt(k);
          }
          acc += h;
        } else {
          acc += v.charAt(0) + v.charAt(len - 1) + len;
        }
      }
    }
    scanned = acc;
    linkableSum = -1;
    return acc;
  }

  private long runFlat(FlatResolver f) {
    List<Event> evs = events;
    long l = 0;
    long m = 0;
    long b = 0;
    for (int i = 0, n = evs.size(); i < n; i++) {
      f.resolve(evs.get(i));
      l += f.linkable;
      m += f.malformed;
      b += f.blocked;
    }
    linkableSum = l;
    malformedSum = m;
    blockedSum = b;
    return l;
  }

  /**
   * Runs the verification alone ({@code [events people]}, default the benchmark's fixture), once
   * under the default locale and once under a Turkish one; throws on the first difference.
   * Prints counts only, no identifier values.
   *
   * @param args optional event and people counts
   */
  public static void main(String[] args) {
    int eventCount = args.length > 0 ? Integer.parseInt(args[0]) : EventFixture.DEFAULT_EVENTS;
    int people = args.length > 1 ? Integer.parseInt(args[1]) : EventFixture.DEFAULT_PEOPLE;
    List<Event> evs = EventFixture.generate(eventCount, people, EventFixture.DEFAULT_SEED).events();
    checkLowerCasingLengths();
    Locale before = Locale.getDefault();
    try {
      for (Locale locale : new Locale[] {before, new Locale("tr", "TR")}) {
        Locale.setDefault(locale);
        long[] sums = verify(evs, IdentityRules.defaults());
        List<Event> edges = edgeCases();
        long[] edgeSums = verify(edges, IdentityRules.defaults());
        long[] customSums = verify(edges, customRules());
        System.out.printf(Locale.ROOT,
            "locale %s: flat = real on %,d events (linkable %,d, malformed %,d, blocked %,d) and %,d edge cases"
                + " (linkable %,d, malformed %,d, blocked %,d; with customRules() blocked %,d)%n",
            locale, evs.size(), sums[0], sums[1], sums[2], edges.size(), edgeSums[0], edgeSums[1], edgeSums[2], customSums[2]);
      }
    } finally {
      Locale.setDefault(before);
    }
  }

  /**
   * Resolves every event with a new real and new flat resolvers, both variants (the edge cases twice each, so
   * that both cold and cached paths are compared) and throws on the first difference.
   *
   * @return the summed linkable, malformed and blocked counts of one pass
   */
  static long[] verify(List<Event> evs, IdentityRules rules) {
    checkLowerCasingLengths();
    IdentityResolver real = new IdentityResolver(rules);
    FlatResolver[] flats = {new FlatResolver(rules, false), new FlatResolver(rules, true)};
    long[] sums = new long[3];
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < evs.size(); i++) {
        Event e = evs.get(i);
        ResolvedIdentifiers r = real.resolve(e);
        for (FlatResolver flat : flats) {
          flat.resolve(e);
          String diff = flat.differenceFrom(r);
          if (diff != null) {
            throw new IllegalStateException("flat resolver" + (flat.internEmails ? " (interned)" : "")
                + " differs from IdentityResolver on event " + i + " (pass " + pass + ", " + e + "): " + diff);
          }
        }
        if (pass == 0) {
          sums[0] += r.linkable().size();
          sums[1] += r.malformed().size();
          sums[2] += r.blocked().size();
        }
      }
      if (evs.size() > 10_000) {
        break; // the fixture repeats its values thousands of times: one pass covers cold and cached
      }
    }
    return sums;
  }

  /**
   * The flat resolver's blocked-value check looks up only values whose length a blocked value's
   * lower-case spelling allows, which is exact only if {@code toLowerCase(Locale.ROOT)} keeps the
   * length of every code point but U+0130 (capital I with dot, which becomes {@code i} and
   * U+0307): checked here for every code point.
   */
  static void checkLowerCasingLengths() {
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
        continue;
      }
      String s = new String(Character.toChars(cp));
      String lower = s.toLowerCase(Locale.ROOT);
      boolean expected = cp == 0x130 ? lower.equals("i\u0307") : lower.length() == s.length();
      if (!expected) {
        throw new IllegalStateException("lower-casing changes the length of code point " + Integer.toHexString(cp));
      }
    }
  }

  /** Rules beyond the defaults, for the edge cases: more blocked values (one with a dotted I, a phone), a pattern. */
  static IdentityRules customRules() {
    return IdentityRules.builder()
        .blockValue("İnfo-desk@test.org")
        .blockValue("(201) 555-0100")
        .blockValue("NOBODY")
        .blockPattern(".*@mailinator\\.com")
        .build();
  }

  /** Hand-made events for what the fixture never exercises; every value fictional. */
  static List<Event> edgeCases() {
    List<Event> out = new ArrayList<>();
    String[][][] cases = {
      // Turkish capital I with dot, dotless i, capital I, other case and white space variants.
      {{"email", "ANNİ@EXAMPLE.COM"}, {"email", "annı@example.com"}, {"email", "TITLE@EXAMPLE.COM"}},
      {{"email", "  Ann@Example.COM  "}, {"email", "ann@example.com"}, {"customer_id", "cus-1"}},
      {{"email", "\u2003ann@example.com\u3000"}, {"email", "\u00a0ann@example.com"}, {"anonymous_id", " dev-1 "}},
      {{"email", "JOSÉ@EXAMPLE.COM"}, {"email", "josé@example.com"}, {"email", "ΣΊΣΥΦΟΣ@EXAMPLE.GR"}},
      {{"email", "KELVIN\u212a@example.com"}, {"customer_id", "NULL"}, {"customer_id", "İ"}},
      // Malformed emails.
      {{"email", "ann@"}, {"email", "ann.example.com"}, {"email", "a@b"}, {"email", "@example.com"}},
      {{"email", "a@@b.com"}, {"email", "A@B..COM"}, {"email", "a b@example.com"}, {"email", "ann@example.com."}},
      {{"email", "x".repeat(65) + "@example.com"}, {"email", "x".repeat(64) + "@example.com"}},
      {{"email", "a@" + "b".repeat(250) + ".com"}, {"email", "ÄNN@EXAMPLE"}, {"phone", "+1 201 555 0123"}},
      // Blocked values, in every type and spelling.
      {{"email", "test@test.com"}, {"email", " TEST@Test.Com "}, {"customer_id", "null"}, {"customer_id", " Null "}},
      {{"anonymous_id", "undefined"}, {"anonymous_id", "UNDEFINED"}, {"customer_id", "0"}, {"customer_id", "-1"}},
      {{"customer_id", "anonymous"}, {"push_token", "ANONYMOUS"}, {"push_token", "0"}, {"loyalty_card", "null"}},
      {{"phone", "0"}, {"phone", "-1"}, {"phone", "null"}, {"phone", "000-000-0000"}, {"phone", "+1 000 000 0000"}},
      {{"phone", "0044 0000 000000"}, {"phone", "000"}, {"phone", "00"}, {"phone", "+0"}, {"phone", "0 0 0"}},
      {{"email", "test@test.com"}},
      // Phones: international, 00, national (US default region), UK, spacing, folding.
      {{"phone", "+1 201 555 0123"}, {"phone", "+1-201-555-0123"}, {"phone", "+12015550123"}},
      {{"phone", "001 201 555 0123"}, {"phone", "(201) 555-0123"}, {"phone", "201.555.0123"}, {"customer_id", "c-2"}},
      {{"phone", " +44 20 7946 0123 "}, {"phone", "+44 (0)20 7946 0123"}, {"phone", "020 7946 0123"}},
      {{"phone", "2015550123"}, {"phone", "+12015550123 "}, {"phone", "\u2003+1 201 555 0124"}},
      // Malformed phones, some twice in other spellings.
      {{"phone", "12"}, {"phone", "555-0123"}, {"phone", "+999 123"}, {"phone", "abc"}},
      {{"phone", "555 0123"}, {"phone", "+999-123"}, {"phone", "123"}, {"phone", "+1 (201) 555-01"}},
      {{"phone", "+1 201 555 0123 ext. 5"}, {"phone", "tel:+1-201-555-0123"}, {"phone", "+1 201 555 O123"}},
      {{"phone", "１２０１５５５０１２３"}, {"phone", "+１ ２０１ ５５５ ０１２５"}, {"phone", "+1 201 555 0123;x"}},
      {{"phone", "+" + "1".repeat(260)}, {"phone", "1".repeat(251)}, {"phone", "+1 201 555 0123 / 0124"}},
      {{"phone", "+1 201 555 0123"}, {"phone", "555-0123"}, {"phone", "  555-0123  "}},
      // Folding after normalisation, priority order, host-defined types.
      {{"anonymous_id", "dev-2"}, {"zeta_id", "z1"}, {"loyalty_card", "L-9"}, {"push_token", "tok-1"},
        {"email", "b@example.com"}, {"email", "A@example.com"}, {"phone", "+44 20 7946 0999"},
        {"customer_id", "c-3"}, {"customer_id", "c-10"}, {"phone", "+1 201 555 0199"}},
      {{"customer_id", "c-4"}, {"customer_id", " c-4"}, {"customer_id", "c-4 "}, {"email", "Bob@example.com"},
        {"email", "bob@example.com"}, {"email", " BOB@EXAMPLE.COM "}},
      {{"phone", "null"}, {"phone", "NULL"}, {"email", "null"}, {"email", "Null"}},
      {{"phone", "abc"}, {"phone", " abc"}, {"phone", "(201) 555-0123"}, {"phone", "+1 201 555 0123"}},
      {{"email", "ann@"}, {"email", "ANN@"}, {"email", "ann@example.com"}},
      {{"loyalty_card", " x "}, {"loyalty_card", "x"}, {"zeta_id", "x"}, {"anonymous_id", "x"}},
      // What customRules() blocks (a value with a dotted I, a phone in another spelling, a pattern).
      {{"email", "İNFO-DESK@TEST.ORG"}, {"email", "info-desk@test.org"}, {"email", "x@MAILINATOR.com"}},
      {{"phone", "(201) 555-0100"}, {"phone", "+1 201 555 0100"}, {"customer_id", "nobody"}, {"customer_id", "NOBODY "}},
      {{"customer_id", "İnfo-desk@test.org"}, {"anonymous_id", "i\u0307nfo-desk@test.org"}, {"push_token", "İNFO-DESK@TEST.ORG"}},
    };
    Instant t = Instant.parse("2026-03-01T00:00:00Z");
    for (int i = 0; i < cases.length; i++) {
      Event.Builder b = Event.builder("edge-" + i, "test", t.plusSeconds(i));
      for (String[] id : cases[i]) {
        b.identifier(Identifier.of(id[0], id[1]));
      }
      out.add(b.build());
    }
    return out;
  }

  /**
   * A flat, single-threaded identifier resolver with the outputs of {@link IdentityResolver#resolve}
   * for rules with the built-in normalisers (any blocked values, patterns and priorities). After
   * {@link #resolve} the event's distinct normalised identifiers are in slots {@code 0..count-1}
   * in first-occurrence order ({@link #types}, {@link #values}, {@link #classes},
   * {@link #problems}), and {@link #order} lists the slots as {@link ResolvedIdentifiers} does:
   * {@link #linkable} by priority, then {@link #malformed} by priority, then {@link #blocked} in
   * first-occurrence order. No per-event objects beyond values whose normal form differs from
   * their raw text: such an email is lower-cased into a new {@code String} each time (unless
   * {@code internEmails}), another value stripped of white space likewise; a phone's first
   * sighting is parsed and its E.164 {@code String} kept and shared.
   */
  static final class FlatResolver {
    /** Type codes, by default priority: the built-in constants, then host-defined types, then anonymous ids. */
    static final byte CUSTOMER = 0;
    static final byte EMAIL = 1;
    static final byte PHONE = 2;
    static final byte PUSH = 3;
    static final byte HOST = 4;
    static final byte ANONYMOUS = 5;
    /** Classes, most usable first (as {@code NormalizedIdentifier.Status}). */
    static final byte VALID = 0;
    static final byte MALFORMED = 1;
    static final byte BLOCKED = 2;
    /** Problem codes; a phone that does not parse is {@link #PARSE} plus libphonenumber's error ordinal. */
    static final byte NONE = 0;
    static final byte BLOCKED_VALUE = 1;
    static final byte EMAIL_SHAPE = 2;
    static final byte PHONE_INVALID = 3;
    static final byte PARSE = 4;
    private static final NumberParseException.ErrorType[] PARSE_ERRORS = NumberParseException.ErrorType.values();
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    /** The shape of a valid email, as the real normaliser checks it (at most 254 characters). */
    private static final Pattern EMAIL_SHAPE_PATTERN = Pattern.compile("[^\\s@]{1,64}@[^\\s@.]+(\\.[^\\s@.]+)+");

    private final IdentityRules rules;
    /** Whether common-spelling emails are looked up in {@link #emails} (no new String) rather than lower-cased anew. */
    final boolean internEmails;
    private final String region;
    private final List<Pattern> patterns;
    /**
     * Per type code: the blocked values in that type's normal form, lower-case, and which lengths
     * a value may have whose lower-case spelling is one of them ({@link #possibleLengths}).
     */
    private final Set<String>[] blockedSets;
    private final boolean[][] blockedLengths;
    /** Per type code (host-defined types: looked up per identifier): the priority. */
    private final int[] priorities;

    /** Emails by normal form: the value is the key. */
    final Table emails = new Table();
    /** Phones by spelling key: the E.164 value when valid, else null (the stripped raw text is the value). */
    final Table phoneKeys = new Table();
    /** Phones without a spelling key, by raw text: the outcome after the blocked check. */
    final Table phoneRaws = new Table();
    /** How many phones were parsed. */
    long phoneParses;

    /** The last event's distinct identifiers, first-occurrence order. */
    int count;
    IdentifierType[] types = new IdentifierType[8];
    byte[] codes = new byte[8];
    int[] slotPriorities = new int[8];
    String[] values = new String[8];
    byte[] classes = new byte[8];
    byte[] problems = new byte[8];
    /** Slots: linkable by priority, malformed by priority, blocked in first-occurrence order. */
    int[] order = new int[8];
    int linkable;
    int malformed;
    int blocked;

    /** One identifier's outcome, handed from the per-type methods to {@link #add}. */
    private String outValue;
    private byte outClass;
    private byte outProblem;

    /**
     * A resolver for {@code rules}; with {@code internEmails}, an email in its common spelling is
     * looked up by its normal form without making it, else made (only when it differs from the raw
     * text) and not looked up.
     *
     * @throws IllegalArgumentException if the rules have host-supplied normalisers (not modelled)
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    FlatResolver(IdentityRules rules, boolean internEmails) {
      this.internEmails = internEmails;
      if (!rules.normalizers().isEmpty()) {
        throw new IllegalArgumentException("host-supplied normalisers are not modelled by the flat resolver");
      }
      this.rules = rules;
      this.region = rules.defaultRegion();
      this.patterns = rules.blockedPatterns();
      this.blockedSets = new Set[ANONYMOUS + 1];
      this.blockedLengths = new boolean[ANONYMOUS + 1][];
      this.priorities = new int[ANONYMOUS + 1];
      for (byte c = CUSTOMER; c <= ANONYMOUS; c++) {
        Set<String> set = new HashSet<>(rules.blockedValues());
        for (String v : rules.blockedValues()) {
          // As the real resolver: a blocked value also blocks its normal form in this type.
          if (c == EMAIL) {
            String s = v.strip().toLowerCase(Locale.ROOT);
            if (isEmailShape(s)) {
              set.add(s);
            }
          } else if (c == PHONE) {
            String stripped = v.strip();
            if (!stripped.isEmpty() && stripped.length() <= Identifier.MAX_LENGTH) {
              parsePhone(stripped);
              if (outClass == VALID) {
                set.add(outValue.toLowerCase(Locale.ROOT));
              }
            }
          } else {
            set.add(v.strip().toLowerCase(Locale.ROOT));
          }
        }
        blockedSets[c] = Set.copyOf(set);
        blockedLengths[c] = possibleLengths(set);
      }
      phoneParses = 0;
      priorities[CUSTOMER] = rules.policy(IdentifierType.CUSTOMER_ID).priority();
      priorities[EMAIL] = rules.policy(IdentifierType.EMAIL).priority();
      priorities[PHONE] = rules.policy(IdentifierType.PHONE).priority();
      priorities[PUSH] = rules.policy(IdentifierType.PUSH_TOKEN).priority();
      priorities[ANONYMOUS] = rules.policy(IdentifierType.ANONYMOUS_ID).priority();
    }

    /** Resolves {@code event} into the slot arrays; allocates only for first sightings (and stripped other values). */
    void resolve(Event event) {
      List<Identifier> ids = event.identifiers();
      int n = ids.size();
      if (n > types.length) {
        grow(n);
      }
      count = 0;
      for (int i = 0; i < n; i++) {
        Identifier raw = ids.get(i);
        IdentifierType t = raw.type();
        byte code = codeOf(t);
        String v = raw.value();
        if (code == EMAIL) {
          email(v);
        } else if (code == PHONE) {
          phone(v);
        } else {
          String s = v.strip(); // the same instance when there is nothing to strip
          outValue = s;
          outClass = isBlocked(code, s) ? BLOCKED : VALID;
          outProblem = outClass == BLOCKED ? BLOCKED_VALUE : NONE;
        }
        add(t, code);
      }
      sortIntoOrder();
    }

    private static byte codeOf(IdentifierType t) {
      if (t == IdentifierType.EMAIL) {
        return EMAIL;
      } else if (t == IdentifierType.ANONYMOUS_ID) {
        return ANONYMOUS;
      } else if (t == IdentifierType.CUSTOMER_ID) {
        return CUSTOMER;
      } else if (t == IdentifierType.PHONE) {
        return PHONE;
      } else if (t == IdentifierType.PUSH_TOKEN) {
        return PUSH;
      }
      // Another instance with a built-in name, or a host-defined type.
      return switch (t.name()) {
        case "email" -> EMAIL;
        case "anonymous_id" -> ANONYMOUS;
        case "customer_id" -> CUSTOMER;
        case "phone" -> PHONE;
        case "push_token" -> PUSH;
        default -> HOST;
      };
    }

    /** Puts the outcome in a new slot, or folds it into an equal one (keeping the more usable class, first on ties). */
    private void add(IdentifierType t, byte code) {
      String v = outValue;
      for (int j = 0; j < count; j++) {
        String w = values[j];
        if (codes[j] == code && (w == v || w.equals(v)) && (code != HOST || types[j].equals(t))) {
          if (outClass < classes[j]) {
            classes[j] = outClass;
            problems[j] = outProblem;
          }
          return;
        }
      }
      int k = count++;
      types[k] = t;
      codes[k] = code;
      slotPriorities[k] = code == HOST ? rules.policy(t).priority() : priorities[code];
      values[k] = v;
      classes[k] = outClass;
      problems[k] = outProblem;
    }

    /** Fills {@link #order}: linkable, then malformed, each by priority (insertion sort), then blocked. */
    private void sortIntoOrder() {
      int l = 0;
      for (int k = 0; k < count; k++) {
        if (classes[k] == VALID) {
          insert(k, 0, l++);
        }
      }
      int m = 0;
      for (int k = 0; k < count; k++) {
        if (classes[k] == MALFORMED) {
          insert(k, l, l + m++);
        }
      }
      int b = l + m;
      for (int k = 0; k < count; k++) {
        if (classes[k] == BLOCKED) {
          order[b++] = k;
        }
      }
      linkable = l;
      malformed = m;
      blocked = b - l - m;
    }

    /** Inserts slot {@code k} into the sorted {@code order[from, to)}. */
    private void insert(int k, int from, int to) {
      int i = to;
      while (i > from && compare(order[i - 1], k) > 0) {
        order[i] = order[i - 1];
        i--;
      }
      order[i] = k;
    }

    /** The real resolver's order: higher priority first, then type name, then value. */
    private int compare(int a, int b) {
      int c = Integer.compare(slotPriorities[b], slotPriorities[a]);
      if (c != 0) {
        return c;
      }
      if (types[a] != types[b]) {
        c = types[a].compareTo(types[b]);
        if (c != 0) {
          return c;
        }
      }
      return values[a] == values[b] ? 0 : values[a].compareTo(values[b]);
    }

    private void grow(int n) {
      int cap = Math.max(n, types.length * 2);
      types = Arrays.copyOf(types, cap);
      codes = Arrays.copyOf(codes, cap);
      slotPriorities = Arrays.copyOf(slotPriorities, cap);
      values = Arrays.copyOf(values, cap);
      classes = Arrays.copyOf(classes, cap);
      problems = Arrays.copyOf(problems, cap);
      order = Arrays.copyOf(order, cap);
    }

    /**
     * An email: the common spelling (printable ASCII, maybe upper-case letters and surrounding
     * spaces, of the valid shape) is hashed as lower-cased in one scan and looked up without
     * making its normal form; anything else is stripped and lower-cased with {@link Locale#ROOT},
     * then looked up.
     */
    private void email(String v) {
      int len = v.length();
      int from = 0;
      int to = len;
      while (from < to && v.charAt(from) == ' ') {
        from++;
      }
      while (to > from && v.charAt(to - 1) == ' ') {
        to--;
      }
      if (to - from <= 254) {
        int h = 0;
        int at = -1;
        int labels = 0;
        int label = 0;
        boolean upper = false;
        boolean ascii = true;
        for (int i = from; i < to; i++) {
          char c = v.charAt(i);
          if (c <= ' ' || c > '~') {
            ascii = false;
            break;
          }
          if (c >= 'A' && c <= 'Z') {
            upper = true;
            c = (char) (c + ('a' - 'A'));
          }
          h = 31 * h + c;
          if (c == '@') {
            if (at >= 0) {
              ascii = false;
              break;
            }
            at = i - from;
          } else if (at >= 0) {
            if (c == '.') {
              if (label == 0) {
                ascii = false;
                break;
              }
              labels++;
              label = 0;
            } else {
              label++;
            }
          }
        }
        if (ascii && at >= 1 && at <= 64 && label > 0 && labels >= 1) {
          if (!internEmails) {
            // The raw text when it is the normal form, else a lower-cased copy; valid by the scan.
            String s = from == 0 && to == len && !upper ? v : lowerAscii(v, from, to);
            outValue = s;
            outClass = isBlocked(EMAIL, s) ? BLOCKED : VALID;
            outProblem = outClass == BLOCKED ? BLOCKED_VALUE : NONE;
            return;
          }
          Table t = emails;
          int slot = t.findLowerAscii(h, v, from, to);
          if (slot < 0) {
            String s = from == 0 && to == len && !upper ? v : lowerAscii(v, from, to);
            // Valid by the scan; blocked if one of the blocked values or patterns.
            byte cls = isBlocked(EMAIL, s) ? BLOCKED : VALID;
            slot = t.insert(~slot, h, s, s, cls, cls == BLOCKED ? BLOCKED_VALUE : NONE);
          }
          outValue = t.values[slot];
          outClass = t.classes[slot];
          outProblem = t.problems[slot];
          return;
        }
      }
      // Everything else: the real normaliser's steps, then the table.
      String s = v.strip().toLowerCase(Locale.ROOT);
      Table t = emails;
      int h = s.hashCode();
      int slot = t.findExact(h, s);
      if (slot < 0) {
        byte cls = isBlocked(EMAIL, s) ? BLOCKED : isEmailShape(s) ? VALID : MALFORMED;
        slot = t.insert(~slot, h, s, s, cls, cls == BLOCKED ? BLOCKED_VALUE : cls == MALFORMED ? EMAIL_SHAPE : NONE);
      }
      outValue = t.values[slot];
      outClass = t.classes[slot];
      outProblem = t.problems[slot];
    }

    private static boolean isEmailShape(String s) {
      return s.length() <= 254 && EMAIL_SHAPE_PATTERN.matcher(s).matches();
    }

    /** {@code v[from, to)}, printable ASCII, with upper-case letters lowered: one byte array, one copy into the String. */
    private static String lowerAscii(String v, int from, int to) {
      byte[] out = new byte[to - from];
      for (int i = from; i < to; i++) {
        char c = v.charAt(i);
        out[i - from] = (byte) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
      }
      return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * A phone. A spelling of only ASCII digits, the separators {@code space - . ( ) /}, a leading
     * {@code +} or {@code 00} and surrounding white space, with 3 to 250 characters and at least
     * three digits, is looked up by its key ({@code +} if any, then the digits), hashed without
     * making the key; its first sighting is parsed. Other spellings are looked up by their raw
     * text, and parsed on first sighting.
     */
    private void phone(String v) {
      int from = 0;
      int to = v.length();
      while (from < to && Character.isWhitespace(v.charAt(from))) {
        from++;
      }
      while (to > from && Character.isWhitespace(v.charAt(to - 1))) {
        to--;
      }
      int keyed = -1; // where the digits start, when the spelling has a key
      boolean plus = false;
      int h = 0;
      if (to - from <= 250 && from < to) {
        int start = from;
        if (v.charAt(from) == '+') {
          plus = true;
          start = from + 1;
        } else if (to - from >= 2 && v.charAt(from) == '0' && v.charAt(from + 1) == '0') {
          plus = true;
          start = from + 2;
        }
        h = plus ? '+' : 0;
        int digits = 0;
        keyed = start;
        for (int i = start; i < to; i++) {
          char c = v.charAt(i);
          if (c >= '0' && c <= '9') {
            digits++;
            h = 31 * h + c;
          } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
            keyed = -1;
            break;
          }
        }
        if (digits < 3) {
          keyed = -1;
        }
      }
      if (keyed >= 0) {
        Table t = phoneKeys;
        int slot = t.findDigits(h, v, keyed, to, plus);
        if (slot < 0) {
          String stripped = from == 0 && to == v.length() ? v : v.substring(from, to);
          parsePhone(stripped);
          String value = null;
          byte cls = outClass;
          byte problem = outProblem;
          if (cls == VALID) {
            value = outValue;
            if (isBlocked(PHONE, value)) {
              cls = BLOCKED;
              problem = BLOCKED_VALUE;
            }
          }
          slot = t.insert(~slot, h, phoneKey(v, keyed, to, plus), value, cls, problem);
        }
        String value = t.values[slot];
        if (value != null) {
          outValue = value;
          outClass = t.classes[slot];
          outProblem = t.problems[slot];
        } else {
          // Malformed or blocked by the parse: the stripped text, then the blocked check on it.
          String stripped = from == 0 && to == v.length() ? v : v.substring(from, to);
          outValue = stripped;
          if (isBlocked(PHONE, stripped)) {
            outClass = BLOCKED;
            outProblem = BLOCKED_VALUE;
          } else {
            outClass = t.classes[slot];
            outProblem = t.problems[slot];
          }
        }
        return;
      }
      Table t = phoneRaws;
      int rh = v.hashCode();
      int slot = t.findExact(rh, v);
      if (slot < 0) {
        String stripped = v.strip();
        parsePhone(stripped);
        if (isBlocked(PHONE, outValue)) {
          outClass = BLOCKED;
          outProblem = BLOCKED_VALUE;
        }
        slot = t.insert(~slot, rh, v, outValue, outClass, outProblem);
      }
      outValue = t.values[slot];
      outClass = t.classes[slot];
      outProblem = t.problems[slot];
    }

    private static String phoneKey(String v, int from, int to, boolean plus) {
      StringBuilder key = new StringBuilder(to - from + 1);
      if (plus) {
        key.append('+');
      }
      for (int i = from; i < to; i++) {
        char c = v.charAt(i);
        if (c >= '0' && c <= '9') {
          key.append(c);
        }
      }
      return key.toString();
    }

    /**
     * Parses {@code stripped} (a {@code 00} prefix read as {@code +}) in the default region into
     * {@link #outValue}, {@link #outClass}, {@link #outProblem}: E.164 and valid; the stripped text
     * and blocked when the national number is all zeros; the stripped text and malformed when
     * invalid or unparseable. No blocked-value check.
     */
    private void parsePhone(String stripped) {
      String p = stripped.startsWith("00") ? "+" + stripped.substring(2) : stripped;
      phoneParses++;
      try {
        PhoneNumber number = UTIL.parse(p, region);
        if (isAllZeros(UTIL.getNationalSignificantNumber(number))) {
          outValue = stripped;
          outClass = BLOCKED;
          outProblem = BLOCKED_VALUE;
        } else if (!UTIL.isValidNumber(number)) {
          outValue = stripped;
          outClass = MALFORMED;
          outProblem = PHONE_INVALID;
        } else {
          outValue = UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
          outClass = VALID;
          outProblem = NONE;
        }
      } catch (NumberParseException e) {
        outValue = stripped;
        outClass = MALFORMED;
        outProblem = (byte) (PARSE + e.getErrorType().ordinal());
      }
    }

    private static boolean isAllZeros(String digits) {
      if (digits.isEmpty()) {
        return false;
      }
      for (int i = 0; i < digits.length(); i++) {
        if (digits.charAt(i) != '0') {
          return false;
        }
      }
      return true;
    }

    /**
     * Which lengths a text may have whose {@code toLowerCase(Locale.ROOT)} is one of
     * {@code lowerCase}: lower-casing keeps the length of every code point but U+0130, which
     * becomes the two characters {@code i} U+0307 (see {@link #checkLowerCasingLengths}); so a
     * blocked value of length L with k such pairs is reached from texts of length L - k to L.
     */
    private static boolean[] possibleLengths(Set<String> lowerCase) {
      int max = 0;
      for (String b : lowerCase) {
        max = Math.max(max, b.length());
      }
      boolean[] possible = new boolean[max + 1];
      for (String b : lowerCase) {
        int pairs = 0;
        for (int i = b.indexOf("i\u0307"); i >= 0; i = b.indexOf("i\u0307", i + 2)) {
          pairs++;
        }
        for (int k = 0; k <= pairs; k++) {
          possible[b.length() - k] = true;
        }
      }
      return possible;
    }

    /**
     * Whether a normalised value of type {@code code} is blocked: one of the type's blocked
     * values, case-insensitively (only a value of a length in {@link #blockedLengths} is
     * lower-cased and looked up), a phone whose ASCII digits are all zeros, or a match of a
     * blocked pattern.
     */
    private boolean isBlocked(byte code, String value) {
      boolean[] lengths = blockedLengths[code];
      int len = value.length();
      if (len < lengths.length && lengths[len] && blockedSets[code].contains(value.toLowerCase(Locale.ROOT))) {
        return true;
      }
      if (code == PHONE && isAllZeroDigits(value)) {
        return true;
      }
      for (int i = 0, n = patterns.size(); i < n; i++) {
        if (patterns.get(i).matcher(value).matches()) {
          return true;
        }
      }
      return false;
    }

    private static boolean isAllZeroDigits(String v) {
      boolean digit = false;
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c >= '1' && c <= '9') {
          return false;
        }
        digit |= c == '0';
      }
      return digit;
    }

    /** Null if the last {@link #resolve} equals {@code r} in every output, else what differs (no values). */
    String differenceFrom(ResolvedIdentifiers r) {
      List<Identifier> ids = r.event().identifiers();
      if (ids.size() != count) {
        return "distinct identifiers: flat " + count + ", real " + ids.size();
      }
      for (int k = 0; k < count; k++) {
        if (!ids.get(k).equals(Identifier.of(types[k], values[k]))) {
          return "normalised identifier " + k + ": flat " + Identifier.of(types[k], values[k]) + ", real " + ids.get(k);
        }
      }
      String d = sameList("linkable", r.linkable(), 0, linkable);
      if (d == null) {
        d = sameList("malformed", r.malformed(), linkable, malformed);
      }
      if (d == null) {
        d = sameList("blocked", r.blocked(), linkable + malformed, blocked);
      }
      if (d != null) {
        return d;
      }
      List<String> lines = new ArrayList<>();
      for (int k = 0; k < count; k++) {
        if (problems[k] != NONE) {
          lines.add(problemLine(k));
        }
      }
      return lines.equals(r.problems()) ? null : "problems: flat " + lines + ", real " + r.problems();
    }

    private String sameList(String what, List<Identifier> real, int from, int n) {
      if (real.size() != n) {
        return what + ": flat " + n + ", real " + real.size();
      }
      for (int i = 0; i < n; i++) {
        int k = order[from + i];
        Identifier mine = Identifier.of(types[k], values[k]);
        if (!mine.equals(real.get(i))) {
          return what + " " + i + ": flat " + mine + ", real " + real.get(i);
        }
      }
      return null;
    }

    /** The problem line of slot {@code k}, as {@link ResolvedIdentifiers#problems} has it. */
    private String problemLine(int k) {
      String status = classes[k] == VALID ? "valid" : classes[k] == MALFORMED ? "malformed" : "blocked";
      byte p = problems[k];
      String text = p == BLOCKED_VALUE ? "value is blocked"
          : p == EMAIL_SHAPE ? "email is not of the form local@domain.tld"
          : p == PHONE_INVALID ? "phone number is not valid for its region"
          : "phone number does not parse: " + PARSE_ERRORS[p - PARSE];
      return types[k] + " " + status + ": " + text;
    }

    /**
     * A flat open-addressing hash table from a key's text to (value, class, problem code):
     * parallel arrays, linear probing, at most half full, doubled when it is. The hash is
     * {@link String#hashCode} of the key, so the lookups by a view of a raw text (lower-cased,
     * or only the digits) find keys inserted as strings.
     */
    static final class Table {
      int[] hashes = new int[1024];
      String[] keys = new String[1024];
      String[] values = new String[1024];
      byte[] classes = new byte[1024];
      byte[] problems = new byte[1024];
      int size;
      private int mask = 1023;

      private static int spread(int h) {
        return (h * 0x9E3779B9) ^ ((h * 0x9E3779B9) >>> 16);
      }

      /** The slot of the key {@code s}, or {@code ~slot} of where it would go. */
      int findExact(int h, String s) {
        int i = spread(h) & mask;
        while (true) {
          String k = keys[i];
          if (k == null) {
            return ~i;
          }
          if (hashes[i] == h && k.equals(s)) {
            return i;
          }
          i = (i + 1) & mask;
        }
      }

      /** The slot of the key {@code v[from, to)} with ASCII upper-case letters lowered, or {@code ~slot}. */
      int findLowerAscii(int h, String v, int from, int to) {
        int i = spread(h) & mask;
        int n = to - from;
        while (true) {
          String k = keys[i];
          if (k == null) {
            return ~i;
          }
          if (hashes[i] == h && k.length() == n && equalsLowerAscii(k, v, from)) {
            return i;
          }
          i = (i + 1) & mask;
        }
      }

      private static boolean equalsLowerAscii(String k, String v, int from) {
        for (int j = 0, n = k.length(); j < n; j++) {
          char c = v.charAt(from + j);
          if (c >= 'A' && c <= 'Z') {
            c = (char) (c + ('a' - 'A'));
          }
          if (k.charAt(j) != c) {
            return false;
          }
        }
        return true;
      }

      /** The slot of the key ({@code +} if {@code plus}, then the ASCII digits of {@code v[from, to)}), or {@code ~slot}. */
      int findDigits(int h, String v, int from, int to, boolean plus) {
        int i = spread(h) & mask;
        while (true) {
          String k = keys[i];
          if (k == null) {
            return ~i;
          }
          if (hashes[i] == h && equalsDigits(k, v, from, to, plus)) {
            return i;
          }
          i = (i + 1) & mask;
        }
      }

      private static boolean equalsDigits(String k, String v, int from, int to, boolean plus) {
        int j = 0;
        int n = k.length();
        if (plus) {
          if (n == 0 || k.charAt(0) != '+') {
            return false;
          }
          j = 1;
        }
        for (int i = from; i < to; i++) {
          char c = v.charAt(i);
          if (c >= '0' && c <= '9') {
            if (j >= n || k.charAt(j++) != c) {
              return false;
            }
          }
        }
        return j == n;
      }

      /** Puts an entry at {@code slot} (from a failed find), grows if half full; returns the entry's slot. */
      int insert(int slot, int h, String key, String value, byte cls, byte problem) {
        hashes[slot] = h;
        keys[slot] = key;
        values[slot] = value;
        classes[slot] = cls;
        problems[slot] = problem;
        if (++size * 2 > keys.length) {
          rehash();
          return findExact(h, key);
        }
        return slot;
      }

      private void rehash() {
        int[] oldHashes = hashes;
        String[] oldKeys = keys;
        String[] oldValues = values;
        byte[] oldClasses = classes;
        byte[] oldProblems = problems;
        int cap = oldKeys.length * 2;
        hashes = new int[cap];
        keys = new String[cap];
        values = new String[cap];
        classes = new byte[cap];
        problems = new byte[cap];
        mask = cap - 1;
        for (int j = 0; j < oldKeys.length; j++) {
          String k = oldKeys[j];
          if (k != null) {
            int i = spread(oldHashes[j]) & mask;
            while (keys[i] != null) {
              i = (i + 1) & mask;
            }
            hashes[i] = oldHashes[j];
            keys[i] = k;
            values[i] = oldValues[j];
            classes[i] = oldClasses[j];
            problems[i] = oldProblems[j];
          }
        }
      }
    }
  }
}
