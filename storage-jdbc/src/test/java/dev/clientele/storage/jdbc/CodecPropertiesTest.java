package dev.clientele.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Attribute;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.UndeliverableReason;
import dev.clientele.core.spi.MergeRecord;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The stored form keeps profiles and events exactly: decode(encode(x)) equals x for every
 * value the model admits, including nanosecond instants, decimal scales, {@code Long} versus
 * {@code BigDecimal}, nested data, non-ASCII text and the order of map entries.
 */
class CodecPropertiesTest {
  @Property(tries = 150)
  void profile_roundTrip_isExact(@ForAll("profiles") Profile p) {
    Profile back = Codec.decodeProfile(Codec.encode(p));

    assertThat(back).isEqualTo(p);
    assertThat(back.attributes().values().stream().map(a -> a.value().getClass().getName()).toList())
        .isEqualTo(p.attributes().values().stream().map(a -> a.value().getClass().getName()).toList());
    assertThat(Codec.encode(back)).isEqualTo(Codec.encode(p));
  }

  @Property(tries = 150)
  void event_roundTrip_isExactAndKeepsDataOrder(@ForAll("events") Event e) {
    Event back = Codec.decodeEvent(Codec.encode(e));

    assertThat(back).isEqualTo(e);
    assertThat(List.copyOf(back.data().keySet())).isEqualTo(List.copyOf(e.data().keySet()));
    assertThat(Codec.encode(back)).isEqualTo(Codec.encode(e));
  }

  @Property(tries = 150)
  void mergeRecord_roundTrip_isExact(@ForAll("mergeRecords") MergeRecord r) {
    MergeRecord back = Codec.decodeMergeRecord(Codec.encode(r));

    assertThat(back).isEqualTo(r);
    assertThat(Codec.encode(back)).isEqualTo(Codec.encode(r));
  }

  @Property(tries = 50)
  void truncatedBlob_isRefusedNotMisread(@ForAll("profiles") Profile p) {
    byte[] blob = Codec.encode(p);
    byte[] cut = Arrays.copyOf(blob, blob.length / 2);

    assertThatThrownBy(() -> Codec.decodeProfile(cut)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void unknownFormat_isRefused() {
    byte[] blob = Codec.encode(Profile.builder(ProfileId.of("p-1"), Instant.EPOCH).build());
    blob[0] = 99;

    assertThatThrownBy(() -> Codec.decodeProfile(blob)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("format 99");
  }

  /**
   * A profile as the format-1 codec (before identifiers carried {@code linkedAt}) stored it:
   * written by that codec, kept byte for byte so old rows stay readable.
   */
  private static final String FORMAT_1_PROFILE =
      "0100000003702d3100000000000000030000000069a40e20075bcd150000000069a40e5c075bcd150000000000020000" +
      "000c616e6f6e796d6f75735f6964000000056465762d310000000069a2bca0075bcd1500000000036170700000000000" +
      "07554e4b4e4f574e0000000005656d61696c0000000f616e6e406578616d706c652e636f6d0000000069a40e20075bcd" +
      "15010000000069a40e3e075bcd1500000003776562010000000b484152445f424f554e4345010000000069a40e48075b" +
      "cd15000000074f50545f4f5554010000000069a40e52075bcd15000000010000000a66697273745f6e616d6573000000" +
      "03416e6e0000000363726d0000000069a40e20075bcd1500000000000000000000000000000000000000000000000100" +
      "00000000000000000000000200000000";

  @Test
  void decodeProfile_format1Row_linksEachIdentifierWhenItWasFirstSeen() {
    Instant t = Instant.parse("2026-03-01T10:00:00.123456789Z");
    Identifier email = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
    Identifier device = Identifier.of(IdentifierType.ANONYMOUS_ID, "dev-1");
    Profile expected = Profile.builder(ProfileId.of("p-1"), t).version(3).updatedAt(t.plusSeconds(60))
        .putIdentifier(new IdentifierState(email, t, Optional.of(t.plusSeconds(30)), "web",
            Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, t.plusSeconds(40)), Consent.OPT_OUT,
            Optional.of(t.plusSeconds(50)), t))
        .putIdentifier(new IdentifierState(device, t.minusSeconds(86_400), Optional.empty(), "app", Deliverability.DELIVERABLE,
            Consent.UNKNOWN, Optional.empty(), t.minusSeconds(86_400)))
        .putAttribute(new Attribute("first_name", "Ann", "crm", t))
        .eventCount(2)
        .build();
    byte[] old = java.util.HexFormat.of().parseHex(FORMAT_1_PROFILE);

    Profile back = Codec.decodeProfile(old);

    assertThat(old[0]).isEqualTo((byte) 1);
    assertThat(back).isEqualTo(expected);
    assertThat(back.identifier(device).orElseThrow().linkedAt()).isEqualTo(t.minusSeconds(86_400));
    byte[] rewritten = Codec.encode(back);
    assertThat(rewritten[0]).as("written in the current format").isEqualTo((byte) 2);
    assertThat(Codec.decodeProfile(rewritten)).isEqualTo(expected);
  }

  @Test
  void encode_keepsLinkedAtApartFromFirstSeen() {
    Instant t = Instant.parse("2026-03-01T10:00:00Z");
    IdentifierState s = IdentifierState.firstSeen(Identifier.of(IdentifierType.ANONYMOUS_ID, "dev-1"), t, true, "web")
        .seenAt(t.minusSeconds(864_000), true, "web");
    Profile p = Profile.builder(ProfileId.of("p-1"), t).putIdentifier(s).build();

    IdentifierState back = Codec.decodeProfile(Codec.encode(p)).identifiers().get(0);

    assertThat(back.firstSeen()).isEqualTo(t.minusSeconds(864_000));
    assertThat(back.linkedAt()).isEqualTo(t);
  }

  // ---------------------------------------------------------------------------------------------
  // Generators

  private static Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12),
        Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12).map(CodecPropertiesTest::storable).filter(s -> !s.isBlank()),
        Arbitraries.of("İstanbul", "straße", "日本語", "😀 emoji", "a\"b'c;--", "line\nbreak\ttab\r\u0085"));
  }

  private static Arbitrary<Instant> instant() {
    return Combinators.combine(Arbitraries.longs().between(-62_000_000_000L, 253_000_000_000L),
        Arbitraries.integers().between(0, 999_999_999)).as(Instant::ofEpochSecond);
  }

  private static Arbitrary<BigDecimal> decimal() {
    return Combinators.combine(Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)),
        Arbitraries.integers().between(-5, 12)).as(BigDecimal::new);
  }

  private static Arbitrary<Object> value(int depth) {
    Arbitrary<Object> scalar = Arbitraries.oneOf(
        text().map(s -> (Object) s),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.longs().map(l -> (Object) l),
        decimal().map(d -> (Object) d));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<Object> list = value(depth - 1).list().ofMaxSize(3).map(l -> (Object) List.copyOf(l));
    Arbitrary<Object> map = data(depth - 1).map(m -> (Object) m);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, scalar), net.jqwik.api.Tuple.of(1, list), net.jqwik.api.Tuple.of(1, map));
  }

  private static Arbitrary<Map<String, Object>> data(int depth) {
    return Combinators.combine(text().list().ofMaxSize(4), value(depth).list().ofSize(4)).as((keys, values) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < keys.size(); i++) {
        m.put(keys.get(i), values.get(i));
      }
      return m;
    });
  }

  private static Arbitrary<Identifier> identifier() {
    Arbitrary<IdentifierType> type = Arbitraries.oneOf(
        Arbitraries.of(IdentifierType.EMAIL, IdentifierType.PHONE, IdentifierType.PUSH_TOKEN, IdentifierType.CUSTOMER_ID,
            IdentifierType.ANONYMOUS_ID),
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10).map(IdentifierType::of));
    Arbitrary<String> value = text().filter(s -> s.chars().noneMatch(Character::isISOControl));
    return Combinators.combine(type, value).as(Identifier::of);
  }

  private static <T> Arbitrary<Optional<T>> optional(Arbitrary<T> a) {
    return a.optional(0.6);
  }

  private static Arbitrary<IdentifierState> identifierState() {
    Arbitrary<Deliverability> deliverability = Arbitraries.oneOf(
        Arbitraries.just(Deliverability.DELIVERABLE),
        instant().map(Deliverability::deliverableSince),
        Combinators.combine(Arbitraries.of(UndeliverableReason.class), instant()).as(Deliverability::undeliverable));
    // linkedAt: usually at or after first seen (an older event arrived later), sometimes before (after a split).
    Arbitrary<Long> linkedAfter = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(-1_000_000L, 1_000_000_000_000L));
    return Combinators.combine(identifier(), instant(), Arbitraries.longs().between(0, 1_000_000_000L).optional(0.6),
            text(), deliverability, Arbitraries.of(Consent.class), optional(instant()), linkedAfter)
        .as((id, first, later, source, d, consent, consentAt, linked) -> new IdentifierState(
            id, first, later.map(first::plusNanos), source, d, consent, consentAt, first.plusNanos(linked)));
  }

  private static Arbitrary<Attribute> attribute() {
    Arbitrary<String> name = Arbitraries.oneOf(Arbitraries.of(Attribute.STANDARD),
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(20));
    return Combinators.combine(name, value(2), text(), instant()).as(Attribute::new);
  }

  private static Arbitrary<ListSubscription> list() {
    return Combinators.combine(text(), Arbitraries.of(true, false), instant(), instant())
        .as((name, subscribe, a, b) -> ListSubscription.apply(
            Optional.of(ListSubscription.apply(Optional.empty(), name, true, a)), name, subscribe, b));
  }

  private static Arbitrary<OrderSummary> orders() {
    Arbitrary<OrderSummary> some = Combinators.combine(Arbitraries.longs().between(1, 1000), decimal(), instant(),
            Arbitraries.longs().between(0, 1_000_000_000_000L))
        .as((n, revenue, first, gap) -> new OrderSummary(n, revenue, Optional.of(first), Optional.of(first.plusSeconds(gap))));
    return Arbitraries.oneOf(Arbitraries.just(OrderSummary.NONE), some);
  }

  @Provide
  Arbitrary<Profile> profiles() {
    Arbitrary<ProfileId> id = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '_')
        .ofMinLength(1).ofMaxLength(64).map(ProfileId::of);
    Arbitrary<Optional<Instant>> active = optional(instant());
    return Combinators.combine(
            Combinators.combine(id, Arbitraries.longs().between(0, Long.MAX_VALUE), instant(), instant(), active)
                .as(List::<Object>of),
            identifierState().list().ofMaxSize(5),
            attribute().list().ofMaxSize(5),
            list().list().ofMaxSize(3),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10).list().ofMaxSize(3),
            orders(),
            Combinators.combine(optional(instant()), optional(instant()), Arbitraries.longs().between(0, Long.MAX_VALUE))
                .as(List::<Object>of),
            id.list().ofMaxSize(3))
        .as((head, states, attributes, lists, tags, orders, tail, mergedFrom) -> {
          Profile.Builder b = Profile.builder((ProfileId) head.get(0), (Instant) head.get(2))
              .version((Long) head.get(1))
              .updatedAt((Instant) head.get(3));
          @SuppressWarnings("unchecked")
          Optional<Instant> first = (Optional<Instant>) head.get(4);
          b.activity(first, first.map(t -> t.plusSeconds(60)));
          states.forEach(b::putIdentifier);
          attributes.forEach(b::putAttribute);
          lists.forEach(b::putList);
          tags.forEach(b::addTag);
          b.orders(orders);
          @SuppressWarnings("unchecked")
          Optional<Instant> optOut = (Optional<Instant>) tail.get(0);
          @SuppressWarnings("unchecked")
          Optional<Instant> optIn = (Optional<Instant>) tail.get(1);
          b.ccpa(optOut, optIn).eventCount((Long) tail.get(2)).addMergedFrom(mergedFrom);
          return b.build();
        });
  }

  @Provide
  Arbitrary<MergeRecord> mergeRecords() {
    Arbitrary<ProfileId> id = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)
        .map(s -> ProfileId.of("p-" + s));
    Arbitrary<MergeRecord.Side> side = Combinators.combine(id.map(p -> ProfileId.of("s" + p.value())),
            identifier().set().ofMaxSize(3), id.list().ofMaxSize(2))
        .as(MergeRecord.Side::new);
    Arbitrary<MergeRecord.Kind> kind = Arbitraries.of(MergeRecord.Kind.class);
    return Combinators.combine(text().filter(s -> s.length() <= 64), Combinators.combine(kind, instant()).as(List::<Object>of),
            id, side.list().ofMinSize(1).ofMaxSize(3), optional(text()), identifier().list().ofMaxSize(3), optional(text()),
            text())
        .as((rid, kindAndTime, profile, sides, eventId, links, undoes, note) -> {
          MergeRecord.Kind k = (MergeRecord.Kind) kindAndTime.get(0);
          return new MergeRecord(rid, k, (Instant) kindAndTime.get(1), profile, sides, eventId, links,
              k == MergeRecord.Kind.SPLIT ? undoes : Optional.empty(), note);
        });
  }

  @Provide
  Arbitrary<Event> events() {
    Arbitrary<String> name = Arbitraries.strings().withCharRange('a', 'z').withChars('_', '.', ':', '-')
        .ofMinLength(1).ofMaxLength(20);
    Arbitrary<String> plain = text().filter(s -> s.chars().noneMatch(Character::isISOControl)); // ids and sources
    return Combinators.combine(plain, name, Arbitraries.oneOf(Arbitraries.just(""), name), instant(),
            identifier().list().ofMinSize(1).ofMaxSize(4).uniqueElements(), data(2), plain)
        .as(Event::new);
  }

  /**
   * Text the model accepts anywhere (also as an event id): a lone surrogate becomes an emoji (a
   * valid pair), a control character an {@code é}. Controls in data values come from the fixed list.
   */
  private static String storable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        b.append("\uD83D\uDE00");
      } else {
        b.append(Character.isISOControl(c) ? '\u00e9' : c);
      }
    }
    return b.toString();
  }
}
