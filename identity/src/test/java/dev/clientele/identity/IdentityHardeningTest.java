package dev.clientele.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Production review M6 (the normalisation cache bounded by entries, so clients' long junk values
 * filled hundreds of MB) and M9 (blocked patterns ran with no time bound).
 */
class IdentityHardeningTest {
  private static Identifier email(String value) {
    return Identifier.of(IdentifierType.EMAIL, value);
  }

  @Test
  void cache_valuesLongerThanTheBound_notCached() {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.defaults());

    for (int i = 0; i < 100; i++) {
      NormalizedIdentifier n = resolver.normalize(email("x".repeat(IdentityResolver.MAX_CACHED_LENGTH) + i + "@@junk"));
      assertThat(n.status()).isEqualTo(NormalizedIdentifier.Status.MALFORMED);
    }

    assertThat(resolver.cachedEntries()).isZero();
    resolver.normalize(email("y".repeat(200) + "@@junk"));
    assertThat(resolver.cachedEntries()).as("a shorter malformed value is cached").isEqualTo(1);
  }

  @Test
  void cache_boundedByEstimatedBytes_longValuesTakeTheRoomOfSeveralShortOnes() {
    long size = 100;
    IdentityResolver resolver = new IdentityResolver(IdentityRules.builder().cacheSize(size).build());
    long budget = size * IdentityRules.CACHE_BYTES_PER_ENTRY;

    for (int i = 0; i < 1_000; i++) {
      resolver.normalize(email(String.format("%0250d@@junk", i)));
    }
    long longEntries = resolver.cachedEntries();
    Identifier first = email(String.format("%0250d@@junk", 0));
    int weight = IdentityResolver.weight(first, resolver.normalizeUncached(first)); // each entry weighs the same

    assertThat(weight).isGreaterThan(750);
    assertThat(longEntries * weight).isLessThanOrEqualTo(budget);
    assertThat(longEntries).isLessThan(size / 2);

    IdentityResolver phones = new IdentityResolver(IdentityRules.builder().cacheSize(size).build());
    for (int i = 0; i < 80; i++) {
      phones.normalize(Identifier.of(IdentifierType.PHONE, String.format("(201) 555-%04d", i)));
    }
    assertThat(phones.cachedEntries()).as("about cacheSize typical values fit").isEqualTo(80);
  }

  @Test
  void weight_estimate_countsTheStringsOnce() {
    Identifier raw = email("Ann@Exämple.com");
    NormalizedIdentifier norm = new IdentityResolver(IdentityRules.defaults()).normalizeUncached(raw);

    assertThat(IdentityResolver.weight(raw, norm))
        .isEqualTo(IdentityResolver.ENTRY_OVERHEAD_BYTES + 2 * 15 + 40 + 2 * norm.identifier().value().length());
    assertThat(IdentityResolver.weight(raw, NormalizedIdentifier.valid(raw))).isEqualTo(IdentityResolver.ENTRY_OVERHEAD_BYTES + 2 * 15);
  }

  /** {@code (.*a){8}@x\.com} took 2.4 s on 41 characters and over a minute on 81 before the read budget. */
  @Test
  void catastrophicBlockedPattern_finishesFast_andTheUndecidedValueIsBlocked() {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.builder().blockPattern("(.*a){8}@x\\.com").build());
    Identifier evil = Identifier.of(IdentifierType.CUSTOMER_ID, "a".repeat(80) + "!");
    Event event = Event.builder("e-1", "pageview", Instant.parse("2026-10-03T14:05:00Z"))
        .identifier(evil)
        .identifier(Identifier.of(IdentifierType.CUSTOMER_ID, "aaaaaaaa@x.com"))
        .identifier(Identifier.of(IdentifierType.ANONYMOUS_ID, "a-1"))
        .build();

    ResolvedIdentifiers r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> resolver.resolve(event));

    assertThat(r.blocked()).containsExactly(evil, Identifier.of(IdentifierType.CUSTOMER_ID, "aaaaaaaa@x.com"));
    assertThat(r.linkable()).containsExactly(Identifier.of(IdentifierType.ANONYMOUS_ID, "a-1"));
    assertThat(r.problems()).containsExactly(
        "customer_id blocked: value is blocked (blocked pattern timed out)", "customer_id blocked: value is blocked");
    assertThat(resolver.normalize(Identifier.of(IdentifierType.CUSTOMER_ID, " " + evil.value())))
        .isEqualTo(new NormalizedIdentifier(evil, NormalizedIdentifier.Status.BLOCKED,
            Optional.of("value is blocked (blocked pattern timed out)")));
  }

  @Test
  void quadraticBlockedPattern_onTheLongestValue_stillDecides() {
    IdentityRules rules = IdentityRules.builder().blockPattern(".*foo.*bar.*").build();
    String longest = "x".repeat(Identifier.MAX_LENGTH - 3) + "foo";

    assertThat(rules.blockedPatternVerdict(longest)).isEqualTo(IdentityRules.NOT_MATCHED);
    assertThat(rules.blockedPatternVerdict("x-foo-y-bar-z")).isEqualTo(IdentityRules.MATCHED);
  }

  @Test
  void timedOutPattern_loggedOncePerPattern_withoutTheValue() {
    IdentityRules rules = IdentityRules.builder().blockPattern("x+@y\\.com").blockPattern("(.*a){8}@x\\.com").build();
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertThat(rules.blockedPatternVerdict("a".repeat(60) + "secret")).isEqualTo(IdentityRules.TIMED_OUT);
      assertThat(rules.blockedPatternVerdict("a".repeat(70) + "secret")).isEqualTo(IdentityRules.TIMED_OUT);
      assertThat(rules.blockedPatternVerdict("xx@y.com")).isEqualTo(IdentityRules.MATCHED);
    } finally {
      System.setErr(err);
    }

    String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(log.lines().filter(l -> l.contains("blocked pattern #1 (of 2)")).count()).as(log).isEqualTo(1);
    assertThat(log).doesNotContain("secret").doesNotContain("aaaa");
  }
}
