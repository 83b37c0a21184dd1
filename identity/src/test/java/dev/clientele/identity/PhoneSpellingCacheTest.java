package dev.clientele.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The resolver parses a phone number once for all spellings that differ only by separators,
 * surrounding blanks and {@code +}/{@code 00} (see {@link PhoneNormalizer#spellingKey}), sharing
 * valid outcomes only. Whatever the spellings and the order they are first seen in, every result
 * must equal that of a resolver without a cache ({@code cacheSize(0)}).
 */
class PhoneSpellingCacheTest {
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  private static final List<String> REGIONS = List.of("US", "GB", "DE", "FR", "IT", "BR", "IN", "JP", "AU", "AR", "MX", "RU");
  /** Valid numbers of several regions (libphonenumber's own examples), as "+CC NSN" digits. */
  private static final List<String> VALID = REGIONS.stream()
      .flatMap(r -> Stream.of(UTIL.getExampleNumber(r), UTIL.getExampleNumberForType(r, PhoneNumberUtil.PhoneNumberType.MOBILE)))
      .filter(Objects::nonNull)
      .map(n -> UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.E164))
      .distinct()
      .toList();
  /** The same numbers written nationally (with their national prefix), as libphonenumber formats them. */
  private static final List<String> NATIONAL = REGIONS.stream()
      .map(UTIL::getExampleNumber)
      .filter(Objects::nonNull)
      .map(n -> UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.NATIONAL))
      .toList();
  /** Default region → a resolver without a cache: the oracle. */
  private static final Map<String, IdentityResolver> UNCACHED = Map.of(
      "US", new IdentityResolver(IdentityRules.builder().cacheSize(0).build()),
      "GB", new IdentityResolver(IdentityRules.builder().defaultRegion("GB").cacheSize(0).build()),
      "DE", new IdentityResolver(IdentityRules.builder().defaultRegion("DE").cacheSize(0).build()),
      "BLOCKING", new IdentityResolver(blocking().cacheSize(0).build()));

  /** Rules that block one valid number (written nationally) and a pattern of E.164 values. */
  private static IdentityRules.Builder blocking() {
    return IdentityRules.builder().blockValue("(201) 555-0123").blockPattern("\\+4420794601.*");
  }

  private static IdentityResolver cached(String region, long cacheSize) {
    return new IdentityResolver(switch (region) {
      case "BLOCKING" -> blocking().cacheSize(cacheSize).build();
      case "US" -> IdentityRules.builder().cacheSize(cacheSize).build();
      default -> IdentityRules.builder().defaultRegion(region).cacheSize(cacheSize).build();
    });
  }

  private static Identifier phone(String value) {
    return Identifier.of(IdentifierType.PHONE, value);
  }

  @Property(tries = 1000)
  void normalize_anySpellingsInAnyOrder_equalsTheUncachedResult(
      @ForAll("spellingLists") List<String> spellings,
      @ForAll("regions") String region,
      @ForAll("cacheSizes") long cacheSize) {
    // Tiny caches evict a spelling's key or raw entry between sightings: still the same results.
    IdentityResolver resolver = cached(region, cacheSize);
    IdentityResolver oracle = UNCACHED.get(region);

    for (String s : spellings) {
      assertThat(resolver.normalize(phone(s))).as(s).isEqualTo(oracle.normalize(phone(s)));
    }
    // Again, now that every spelling (and its key) is cached, in the opposite order.
    for (int i = spellings.size() - 1; i >= 0; i--) {
      String s = spellings.get(i);
      assertThat(resolver.normalize(phone(s))).as(s).isEqualTo(oracle.normalize(phone(s)));
    }
  }

  @Property(tries = 1000)
  void spellingKey_equalKeys_parseToTheSameNumber(@ForAll("spellingPairs") List<String> pair) {
    String a = pair.get(0);
    String b = pair.get(1);
    String ka = PhoneNormalizer.spellingKey(a);
    String kb = PhoneNormalizer.spellingKey(b);
    if (ka != null && ka.equals(kb)) {
      for (String region : List.of("US", "GB")) {
        assertThat(parsed(a, region)).as(a + " | " + b).isEqualTo(parsed(b, region));
      }
    }
  }

  /** What libphonenumber makes of a value as {@link PhoneNormalizer} hands it over, or the error. */
  private static String parsed(String raw, String region) {
    String v = raw.strip();
    if (v.startsWith("00")) {
      v = "+" + v.substring(2);
    }
    try {
      PhoneNumber n = UTIL.parse(v, region);
      return n.toString() + " valid=" + UTIL.isValidNumber(n);
    } catch (com.google.i18n.phonenumbers.NumberParseException e) {
      return e.getErrorType().name();
    }
  }

  @Provide
  Arbitrary<Long> cacheSizes() {
    return Arbitraries.of(1L, 2L, 3L, 10_000L);
  }

  @Provide
  Arbitrary<String> regions() {
    return Arbitraries.of("US", "GB", "DE", "BLOCKING");
  }

  @Provide
  Arbitrary<List<String>> spellingLists() {
    // Several spellings of one or two numbers, interleaved in a random order of first sightings.
    Arbitrary<List<String>> ofOne = numbers().flatMap(n -> spellingOf(n).list().ofMinSize(1).ofMaxSize(6));
    return ofOne.list().ofMinSize(1).ofMaxSize(2)
        .map(lists -> lists.stream().flatMap(List::stream).toList())
        .flatMap(all -> Arbitraries.shuffle(all));
  }

  /** Two spellings of one number. */
  @Provide
  Arbitrary<List<String>> spellingPairs() {
    return numbers().flatMap(n -> spellingOf(n).list().ofSize(2));
  }

  /** Numbers as a leading '+' (or none) and digits: valid, national, invalid, short, all zeros. */
  private Arbitrary<String> numbers() {
    return Arbitraries.oneOf(
        Arbitraries.of(VALID),
        Arbitraries.of(NATIONAL).map(n -> n.replaceAll("[^0-9]", "")),
        Arbitraries.of(VALID).map(n -> n.substring(2)), // the country code's first digit cut off, or a national number
        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(18).map(d -> "+" + d),
        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(18),
        Arbitraries.of("+10000000000", "0000000000", "+440000000000", "+1000", "+12", "12", "+0044207946", "+44 0", "+1 555"));
  }

  /** One spelling of {@code number} ("+digits" or "digits"). */
  private Arbitrary<String> spellingOf(String number) {
    boolean plus = number.startsWith("+");
    String digits = plus ? number.substring(1) : number;
    Arbitrary<String> prefix = plus ? Arbitraries.of("+", "+", "00", "+ ", "+(", "0 0") : Arbitraries.of("", "", "", "+", "(");
    Arbitrary<List<String>> gaps = Arbitraries.of("", "", "", " ", "-", ".", "/", "(", ")", " - ", ") ", "  ")
        .list().ofSize(Math.max(digits.length() - 1, 0));
    Arbitrary<String> blanks = Arbitraries.of("", "", " ", "  ", "\u2003", "\u00a0");
    Arbitrary<String> junk = Arbitraries.of("", "", "", "", " ext 12", " x12", "#", ";ext=3", "a", "tel:", "*", " ", "+", "\uff11");
    Arbitrary<Integer> junkAt = Arbitraries.integers().between(0, 3);
    return Combinators.combine(prefix, gaps, blanks, blanks, junk, junkAt).as((p, g, lead, trail, j, at) -> {
      StringBuilder s = new StringBuilder(p);
      for (int i = 0; i < digits.length(); i++) {
        s.append(digits.charAt(i));
        if (i < g.size()) {
          s.append(g.get(i));
        }
      }
      switch (at) { // the odd character: at the end, the start, or inside
        case 0 -> s.append(j);
        case 1 -> s.insert(0, j);
        case 2 -> s.insert(s.length() / 2, j);
        default -> { }
      }
      return lead + s + trail;
    }).filter(v -> !v.isBlank() && v.length() <= Identifier.MAX_LENGTH && v.chars().noneMatch(Character::isISOControl));
  }

  // ---------------------------------------------------------------- examples

  @Example
  void normalize_fiveFixtureSpellingsOfAUkNumber_oneParse() {
    IdentityResolver resolver = cached("US", 10_000);
    long before = resolver.phoneParses();

    // The benchmark fixture's five formats (EventFixture.phone): spaced, dashed, compact, 00, compact.
    for (String s : List.of("+44 20 7946 0123", "+44 20-7946-0123", "+442079460123", "0044 20 7946 0123", "+442079460123")) {
      assertThat(resolver.normalize(phone(s))).isEqualTo(NormalizedIdentifier.valid(phone("+442079460123")));
    }

    assertThat(resolver.phoneParses() - before).isEqualTo(1);
    assertThat(resolver.cachedEntries()).isEqualTo(1);
  }

  @Example
  void normalize_fiveFixtureSpellingsOfAUsNumber_oneParseForTheInternationalOnesOneForTheNational() {
    IdentityResolver resolver = cached("US", 10_000);
    List<String> spellings = List.of("+1 201 555 0123", "+1 201-555-0123", "+12015550123", "001 201 555 0123", "(201) 555-0123");
    long before = resolver.phoneParses();

    for (String s : spellings) {
      assertThat(resolver.normalize(phone(s))).isEqualTo(NormalizedIdentifier.valid(phone("+12015550123")));
    }
    assertThat(resolver.phoneParses() - before).as("four international spellings, one national").isEqualTo(2);

    for (String s : spellings) {
      resolver.normalize(phone(" " + s + " "));
    }
    assertThat(resolver.phoneParses() - before).as("surrounding blanks make no new key").isEqualTo(2);
  }

  @Example
  void normalize_malformedSpellings_eachKeepsItsOwnText() {
    IdentityResolver resolver = cached("US", 10_000);
    long before = resolver.phoneParses();

    NormalizedIdentifier spaced = resolver.normalize(phone("+44 7700 900123"));
    NormalizedIdentifier dashed = resolver.normalize(phone("+44-7700-900123"));
    NormalizedIdentifier again = resolver.normalize(phone("+44-7700-900123"));

    assertThat(spaced.status()).isEqualTo(NormalizedIdentifier.Status.MALFORMED);
    assertThat(spaced.identifier()).isEqualTo(phone("+44 7700 900123"));
    assertThat(dashed.identifier()).isEqualTo(phone("+44-7700-900123"));
    assertThat(again).isEqualTo(dashed);
    assertThat(resolver.phoneParses() - before).as("one parse per malformed spelling, cached by spelling").isEqualTo(2);
  }

  @Example
  void normalize_allZeroSpellings_blockedWithTheirOwnText() {
    IdentityResolver resolver = cached("US", 10_000);

    NormalizedIdentifier spaced = resolver.normalize(phone("+1 000 000 0000"));
    NormalizedIdentifier dashed = resolver.normalize(phone("+1-000-000-0000"));

    assertThat(spaced).isEqualTo(new NormalizedIdentifier(
        phone("+1 000 000 0000"), NormalizedIdentifier.Status.BLOCKED, java.util.Optional.of("value is blocked")));
    assertThat(dashed.identifier()).isEqualTo(phone("+1-000-000-0000"));
    assertThat(dashed.status()).isEqualTo(NormalizedIdentifier.Status.BLOCKED);
  }

  @Example
  void normalize_blockedValidNumber_blockedE164SharedByItsSpellings() {
    IdentityResolver resolver = cached("BLOCKING", 10_000);
    long before = resolver.phoneParses();

    NormalizedIdentifier a = resolver.normalize(phone("+1 201 555 0123"));
    NormalizedIdentifier b = resolver.normalize(phone("+1-201-555-0123"));

    assertThat(a).isEqualTo(new NormalizedIdentifier(
        phone("+12015550123"), NormalizedIdentifier.Status.BLOCKED, java.util.Optional.of("value is blocked")));
    assertThat(b).isEqualTo(a);
    assertThat(resolver.phoneParses() - before).isEqualTo(1);
  }

  @Example
  void forget_e164_dropsTheEntrySharedBySpellings() {
    IdentityResolver resolver = cached("US", 10_000);
    resolver.normalize(phone("+44 20 7946 0123"));
    resolver.normalize(phone("0044 20 7946 0123"));
    assertThat(resolver.cachedEntries()).isEqualTo(1);

    assertThat(resolver.forget(List.of(phone("+442079460123")))).isEqualTo(1);

    assertThat(resolver.cachedEntries()).isZero();
    long before = resolver.phoneParses();
    resolver.normalize(phone("+44 20 7946 0123"));
    assertThat(resolver.phoneParses() - before).as("parsed again after being forgotten").isEqualTo(1);
  }

  @Example
  void spellingKey_separatorsBlanksAndPrefixes_digitsWithPlus() {
    assertThat(PhoneNormalizer.spellingKey("  +1 (201) 555.0123 ")).isEqualTo("+12015550123");
    assertThat(PhoneNormalizer.spellingKey("001 201/555-0123")).isEqualTo("+12015550123");
    assertThat(PhoneNormalizer.spellingKey("(201) 555-0123")).isEqualTo("2015550123");
    assertThat(PhoneNormalizer.spellingKey("0 044 20")).as("not a leading 00: national").isEqualTo("004420");
    assertThat(PhoneNormalizer.spellingKey("\u2003+44 20\u2003")).isEqualTo("+4420");
  }

  @Example
  void spellingKey_alreadyAKey_theValueItself() {
    String e164 = new String("+12015550123".toCharArray());
    String national = new String("2015550123".toCharArray());

    assertThat(PhoneNormalizer.spellingKey(e164)).isSameAs(e164);
    assertThat(PhoneNormalizer.spellingKey(national)).isSameAs(national);
  }

  @Example
  void spellingKey_anythingElse_none() {
    List<String> none = new ArrayList<>(List.of(
        "+1 201 555 0123 ext 4", "+1 201 555 0123 x4", "+1 201 555 0123#", "*67 201 555 0123", "tel:+12015550123",
        "+1 201 555 0123;ext=4", "1-800-FLOWERS", "+1 201\u00a0555 0123", "++12015550123", "(+1) 201 555 0123",
        "\uff11201 555 0123", "+12", "12", "1 2", "0012", "+", "00", "   "));
    none.add("+1" + " ".repeat(240) + "2015550123"); // 251 characters: libphonenumber refuses it as too long

    for (String v : none) {
      assertThat(PhoneNormalizer.spellingKey(v)).as(v).isNull();
    }
  }
}
