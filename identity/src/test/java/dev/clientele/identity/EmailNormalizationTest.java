package dev.clientele.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Email normalisation through {@link IdentityResolver#normalize}: trim, lower-case with {@code Locale.ROOT}, validate. */
class EmailNormalizationTest {
  private static final IdentityResolver RESOLVER = new IdentityResolver(IdentityRules.defaults());

  private static NormalizedIdentifier email(IdentityResolver resolver, String raw) {
    return resolver.normalize(Identifier.of(IdentifierType.EMAIL, raw));
  }

  @Test
  void normalize_mixedCaseWithSpaces_trimmedAndLowerCased() {
    NormalizedIdentifier n = email(RESOLVER, "  Ann.Smith@Example.COM \u2003"); // strip(): Unicode white space too

    assertThat(n.status()).isEqualTo(NormalizedIdentifier.Status.VALID);
    assertThat(n.identifier()).isEqualTo(Identifier.of(IdentifierType.EMAIL, "ann.smith@example.com"));
    assertThat(n.problem()).isEmpty();
  }

  @Test
  void normalize_alreadyNormal_unchanged() {
    NormalizedIdentifier n = email(RESOLVER, "bob+news@mail.example.co.uk");

    assertThat(n.status()).isEqualTo(NormalizedIdentifier.Status.VALID);
    assertThat(n.identifier().value()).isEqualTo("bob+news@mail.example.co.uk");
  }

  /** Surefire already runs under tr-TR; this test sets it explicitly so it also holds when run from an IDE. */
  @Test
  void normalize_turkishDefaultLocale_capitalIBecomesAsciiLowerCase() {
    Locale saved = Locale.getDefault();
    Locale savedFormat = Locale.getDefault(Locale.Category.FORMAT);
    Locale savedDisplay = Locale.getDefault(Locale.Category.DISPLAY);
    Locale.setDefault(new Locale("tr", "TR"));
    try {
      // A fresh resolver: nothing cached from another locale.
      IdentityResolver resolver = new IdentityResolver(IdentityRules.defaults());
      assertThat("I".toLowerCase(Locale.getDefault())).as("precondition: dotless i under tr-TR").isEqualTo("\u0131");

      NormalizedIdentifier ann = email(resolver, "ANN.SMITH@EXAMPLE.COM");
      NormalizedIdentifier ingrid = email(resolver, "INGRID.IVERSEN@IstanbuL.COM.TR");

      assertThat(ann.status()).isEqualTo(NormalizedIdentifier.Status.VALID);
      assertThat(ann.identifier().value()).isEqualTo("ann.smith@example.com");
      assertThat(ingrid.status()).isEqualTo(NormalizedIdentifier.Status.VALID);
      assertThat(ingrid.identifier().value()).isEqualTo("ingrid.iversen@istanbul.com.tr").matches("\\p{ASCII}+");
    } finally {
      Locale.setDefault(saved);
      Locale.setDefault(Locale.Category.FORMAT, savedFormat);
      Locale.setDefault(Locale.Category.DISPLAY, savedDisplay);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "ann.example.com",
      "ann@",
      "@example.com",
      "ann@example",
      "ann smith@example.com",
      "ann@@example.com",
      "ann@exa mple.com",
      "ann@example..com",
      "ann@.example.com",
      "ann@example.com."
  })
  void normalize_malformed_markedMalformedWithoutRawValueInProblem(String raw) {
    NormalizedIdentifier n = email(RESOLVER, raw);

    assertThat(n.status()).isEqualTo(NormalizedIdentifier.Status.MALFORMED);
    assertThat(n.identifier().type()).isEqualTo(IdentifierType.EMAIL);
    assertThat(n.identifier().value()).isEqualTo(raw.strip().toLowerCase(Locale.ROOT));
    assertThat(n.problem()).hasValueSatisfying(p -> {
      assertThat(p).isNotBlank().doesNotContainIgnoringCase(raw);
      assertThat(p).doesNotContainIgnoringCase("ann");
    });
  }

  @Test
  void normalize_localPartOver64_malformed() {
    String raw = "a".repeat(65) + "@example.com";

    assertThat(email(RESOLVER, raw).status()).isEqualTo(NormalizedIdentifier.Status.MALFORMED);
    assertThat(email(RESOLVER, "a".repeat(64) + "@example.com").status()).isEqualTo(NormalizedIdentifier.Status.VALID);
  }

  @Test
  void normalize_over254Characters_malformed() {
    String raw = "a".repeat(60) + "@" + "b".repeat(190) + ".com"; // 255 characters

    NormalizedIdentifier n = email(RESOLVER, raw);

    assertThat(raw).hasSize(255);
    assertThat(n.status()).isEqualTo(NormalizedIdentifier.Status.MALFORMED);
    assertThat(n.problem().orElseThrow()).doesNotContain("aaaa").doesNotContain("bbbb");
  }

  @Test
  void resolve_malformedEmail_problemLineNamesTypeAndStatusButNotTheValue() {
    Event event = Event.builder("e-1", "pageview", Instant.parse("2026-10-01T10:00:00Z"))
        .identifier(IdentifierType.EMAIL, "Secret.Person@nowhere")
        .build();

    ResolvedIdentifiers r = RESOLVER.resolve(event);

    assertThat(r.malformed()).containsExactly(Identifier.of(IdentifierType.EMAIL, "secret.person@nowhere"));
    assertThat(r.problems()).singleElement().satisfies(p -> {
      assertThat(p).startsWith("email malformed: ");
      assertThat(p).doesNotContainIgnoringCase("secret").doesNotContainIgnoringCase("nowhere");
    });
  }
}
