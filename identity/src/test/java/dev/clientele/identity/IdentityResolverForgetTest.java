package dev.clientele.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdentityResolverForgetTest {
  @Test
  void forget_dropsEveryRawSpellingOfTheNormalisedValue_andNothingElse() {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.defaults());
    // Spellings that are not ASCII case or space variants of a valid address: those are cached.
    resolver.normalize(Identifier.of(IdentifierType.EMAIL, "\u00c4nn@Example.com"));
    resolver.normalize(Identifier.of(IdentifierType.EMAIL, "\u2003\u00e4nn@example.com "));
    resolver.normalize(Identifier.of(IdentifierType.EMAIL, "B\u00f6b@example.com"));

    int dropped = resolver.forget(List.of(Identifier.of(IdentifierType.EMAIL, "\u00e4nn@example.com")));

    assertThat(dropped).isEqualTo(2);
    assertThat(resolver.forget(List.of(Identifier.of(IdentifierType.EMAIL, "\u00e4nn@example.com")))).isZero();
    assertThat(resolver.forget(List.of(Identifier.of(IdentifierType.EMAIL, "b\u00f6b@example.com")))).isEqualTo(1);
  }

  @Test
  void normalize_valueAlreadyNormalOrAnAsciiVariant_isNotCached() {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.defaults());
    resolver.normalize(Identifier.of(IdentifierType.EMAIL, "ann@example.com"));
    resolver.normalize(Identifier.of(IdentifierType.CUSTOMER_ID, "c-77"));
    assertThat(resolver.cachedEntries()).isZero();

    resolver.normalize(Identifier.of(IdentifierType.EMAIL, " Ann@Example.com")); // an ASCII variant: lowered, not cached
    assertThat(resolver.cachedEntries()).isZero();

    resolver.normalize(Identifier.of(IdentifierType.EMAIL, "\u00c4nn@example.com"));
    resolver.normalize(Identifier.of(IdentifierType.PHONE, "+1 650 555 0100"));
    assertThat(resolver.cachedEntries()).isEqualTo(2);
  }

  @Test
  void forget_withoutCache_dropsNothing() {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.builder().cacheSize(0).build());
    resolver.normalize(Identifier.of(IdentifierType.EMAIL, "ann@example.com"));
    assertThat(resolver.forget(List.of(Identifier.of(IdentifierType.EMAIL, "ann@example.com")))).isZero();
  }

  @Test
  void forgetSpellings_dropsTheEntriesOfTheseRawSpellings_andNothingElse() {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.defaults());
    resolver.normalize(Identifier.of(IdentifierType.EMAIL, "\u00c4nn@Example.com"));
    resolver.normalize(Identifier.of(IdentifierType.EMAIL, "B\u00f6b@example.com"));
    resolver.normalize(Identifier.of(IdentifierType.PHONE, "+1 650 555 0100")); // under its spelling key
    resolver.normalize(Identifier.of(IdentifierType.EMAIL, "ann@@example..com")); // malformed: under the raw value
    assertThat(resolver.cachedEntries()).isEqualTo(4);

    int dropped = resolver.forgetSpellings(List.of(
        Identifier.of(IdentifierType.EMAIL, "\u00c4nn@Example.com"),
        Identifier.of(IdentifierType.PHONE, "+1-650-555-0100"), // another spelling, the same key
        Identifier.of(IdentifierType.EMAIL, "ann@@example..com"),
        Identifier.of(IdentifierType.CUSTOMER_ID, "c-never-cached")));

    assertThat(dropped).isEqualTo(3);
    assertThat(resolver.cachedEntries()).isEqualTo(1);
    assertThat(resolver.forget(List.of(Identifier.of(IdentifierType.EMAIL, "b\u00f6b@example.com")))).isEqualTo(1);
  }

  @Test
  void forgetSpellings_withoutCache_dropsNothing() {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.builder().cacheSize(0).build());
    resolver.normalize(Identifier.of(IdentifierType.PHONE, "+1 650 555 0100"));
    assertThat(resolver.forgetSpellings(List.of(Identifier.of(IdentifierType.PHONE, "+1 650 555 0100")))).isZero();
  }
}
