package dev.clientele.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.identity.IdentityResolver;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.NormalizedIdentifier;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SampleGeneratorTest {
  private static List<Event> sample;

  @BeforeAll
  static void generate() {
    sample = new SampleGenerator(SampleGenerator.DEFAULT_SEED).events();
  }

  @Test
  void events_sameSeed_identicalEvents() {
    assertThat(new SampleGenerator(SampleGenerator.DEFAULT_SEED).events()).isEqualTo(sample);
  }

  @Test
  void events_differentSeed_differentEvents() {
    List<Event> other = new SampleGenerator(SampleGenerator.DEFAULT_SEED + 1).events();

    assertThat(other).isNotEqualTo(sample);
    assertThat(other.get(0)).isNotEqualTo(sample.get(0));
  }

  @Test
  void events_defaults_realisticShape() {
    Instant from = SampleGenerator.REFERENCE_DATE.minusDays(SampleGenerator.DAYS - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = SampleGenerator.REFERENCE_DATE.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Set<String> ids = new HashSet<>();
    long repeated = sample.stream().filter(e -> !ids.add(e.id())).count();
    Set<String> kinds = sample.stream().map(e -> e.type() + "/" + e.action()).collect(Collectors.toSet());
    Set<String> values = sample.stream().flatMap(e -> e.identifiers().stream()).map(Identifier::value).collect(Collectors.toSet());
    Set<String> customers = sample.stream().flatMap(e -> e.identifiers().stream())
        .filter(i -> i.type().equals(IdentifierType.CUSTOMER_ID)).map(Identifier::value).collect(Collectors.toSet());

    assertThat(sample).hasSizeBetween(35_000, 48_000);
    assertThat(customers).hasSizeBetween(1_900, 2_400);
    assertThat(sample).allSatisfy(e -> assertThat(e.timestamp()).isBetween(from, to.minusSeconds(1)));
    assertThat(repeated).isEqualTo(3);
    assertThat(kinds).contains(
        "pageview/", "identify/signup", "login/login", "order/purchase", "consent/opt_in", "consent/opt_out",
        "reachability/hard_bounce", "list/subscribe", "list/unsubscribe", "campaign/sent", "campaign/open");
    assertThat(values).contains("test@test.com", "undefined");
    assertThat(values).anyMatch(v -> !v.equals(v.strip()));
    assertThat(values).anyMatch(v -> v.contains("@EXAMPLE."));
    assertThat(sample).anyMatch(e -> e.data().get("total") instanceof BigDecimal d && d.signum() == 0);
    assertThat(sample).anyMatch(e -> e.data().containsKey("device"));
    assertThat(sample).anyMatch(e -> e.identifiers().stream().anyMatch(i -> i.type().equals(IdentifierType.PUSH_TOKEN)));
  }

  @Test
  void events_identifiers_phonesValidSomeEmailsMalformed() {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.defaults());
    List<NormalizedIdentifier.Status> phones = new ArrayList<>();
    Set<String> malformedEmails = new HashSet<>();
    for (Event e : sample) {
      for (Identifier i : e.identifiers()) {
        NormalizedIdentifier n = resolver.normalize(i);
        if (i.type().equals(IdentifierType.PHONE)) {
          phones.add(n.status());
        } else if (i.type().equals(IdentifierType.EMAIL) && n.status() == NormalizedIdentifier.Status.MALFORMED) {
          malformedEmails.add(n.identifier().value());
        }
      }
    }

    assertThat(phones).isNotEmpty().containsOnly(NormalizedIdentifier.Status.VALID);
    assertThat(malformedEmails).hasSizeBetween(5, 100);
  }

  @Property(tries = 10)
  void writeJsonl_readBack_equalEvents(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int people) throws Exception {
    List<Event> events = new SampleGenerator(seed, people).events();
    StringWriter out = new StringWriter();

    SampleGenerator.writeJsonl(events, out);

    List<Event> back = new ArrayList<>();
    for (String line : out.toString().split("\n", -1)) {
      if (!line.isEmpty()) {
        back.add(EventReader.parse(line));
      }
    }
    assertThat(out.toString()).endsWith("\n");
    assertThat(back).isEqualTo(events);
  }

  @Test
  void writeJsonl_twoIdentifiersOfOneType_refused() {
    Event e = Event.builder("e-1", "login", Instant.parse("2026-10-03T14:05:00Z"))
        .identifier(IdentifierType.EMAIL, "a@example.com")
        .identifier(IdentifierType.EMAIL, "b@example.com")
        .build();

    assertThatThrownBy(() -> SampleGenerator.writeJsonl(List.of(e), new StringWriter()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two email identifiers");
  }

  @Test
  void constructor_badPeople_refused() {
    assertThatThrownBy(() -> new SampleGenerator(1, 0)).hasMessage("people must be 1 to 100000: 0");
  }

}
