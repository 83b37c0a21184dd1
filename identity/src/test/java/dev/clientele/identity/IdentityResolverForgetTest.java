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
    resolver.normalize(Identifier.of(IdentifierType.EMAIL, "Ann@Example.com"));
    resolver.normalize(Identifier.of(IdentifierType.EMAIL, " ann@example.com "));
    resolver.normalize(Identifier.of(IdentifierType.EMAIL, "bob@example.com"));

    int dropped = resolver.forget(List.of(Identifier.of(IdentifierType.EMAIL, "ann@example.com")));

    assertThat(dropped).isEqualTo(2);
    assertThat(resolver.forget(List.of(Identifier.of(IdentifierType.EMAIL, "ann@example.com")))).isZero();
    assertThat(resolver.forget(List.of(Identifier.of(IdentifierType.EMAIL, "bob@example.com")))).isEqualTo(1);
  }

  @Test
  void forget_withoutCache_dropsNothing() {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.builder().cacheSize(0).build());
    resolver.normalize(Identifier.of(IdentifierType.EMAIL, "ann@example.com"));
    assertThat(resolver.forget(List.of(Identifier.of(IdentifierType.EMAIL, "ann@example.com")))).isZero();
  }
}
