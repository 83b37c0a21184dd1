package dev.clientele.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Identifier types come from event data, which clients choose: the resolver keeps what it looked
 * up per type for a bounded number of types only, and resolves a type beyond the bound as it
 * resolves a kept one.
 */
class IdentifierTypesBoundTest {
  private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");

  @Test
  void resolve_everNewIdentifierTypes_keepsABoundedNumberOfTypes() {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.defaults());
    int n = IdentityResolver.MAX_KINDS * 3;
    for (int i = 0; i < n; i++) {
      resolver.resolve(Event.builder("e-" + i, "pageview", T0).identifier(IdentifierType.of("ext_" + i), " v-" + i + " ").build());
    }
    assertThat(resolver.keptKinds()).isBetween(IdentityResolver.MAX_KINDS, IdentityResolver.MAX_KINDS + 8);
  }

  @Test
  void resolve_aTypeBeyondTheBound_isNormalisedAndBlockedAsAKeptOne() {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.defaults());
    for (int i = 0; i < IdentityResolver.MAX_KINDS; i++) {
      resolver.normalize(Identifier.of(IdentifierType.of("fill_" + i), "x"));
    }
    IdentityResolver fresh = new IdentityResolver(IdentityRules.defaults());
    for (String v : new String[] {" v-1 ", "undefined", " NULL ", "-1", "ok"}) {
      Identifier beyond = Identifier.of(IdentifierType.of("late"), v);
      assertThat(resolver.normalize(beyond)).as(v).isEqualTo(fresh.normalize(beyond));
    }
    assertThat(resolver.keptKinds()).isLessThanOrEqualTo(IdentityResolver.MAX_KINDS + 8);
  }
}
