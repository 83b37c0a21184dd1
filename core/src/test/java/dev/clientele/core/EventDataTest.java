package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventDataTest {
  /** {@link EventData#MAX_NUMBER_DIGITS}: at most 100 digits before the point, so 1e99 is read and 1e100 is not. */
  @Test
  void number_bound_isAtMostMaxNumberDigitsBeforeThePoint() {
    Map<String, Object> data = Map.of("in", new BigDecimal("1e99"), "out", new BigDecimal("1e100"),
        "nines", new BigDecimal("9".repeat(EventData.MAX_NUMBER_DIGITS)));

    assertThat(EventData.number(data, "in")).contains(new BigDecimal("1e99"));
    assertThat(EventData.number(data, "nines")).isPresent();
    assertThat(EventData.number(data, "out")).isEmpty();
  }

  /** The {@code @throws} of {@link EventData#checkValue}: a number past {@link EventData#MAX_VALUE_DIGITS} digits is refused. */
  @Test
  void checkValue_numberPastMaxValueDigits_isRefused() {
    assertThat(EventData.checkValue("total", new BigDecimal("1e999"))).isEqualTo(new BigDecimal("1e999"));
    assertThatIllegalArgumentException().isThrownBy(() -> EventData.checkValue("total", new BigDecimal("1e1000")))
        .withMessageContaining("total");
  }

  @Test
  void copyOf_integralNumbers_becomeLong() {
    Map<String, Object> data = EventData.copyOf(Map.of("i", 7, "s", (short) 8, "b", (byte) 9, "l", 10L));

    assertThat(data).isEqualTo(Map.of("i", 7L, "s", 8L, "b", 9L, "l", 10L));
  }

  @Test
  void copyOf_fractionalNumbers_becomeBigDecimal() {
    Map<String, Object> data = EventData.copyOf(Map.of("total", 42.50, "big", new BigInteger("123456789012345678901234")));

    assertThat(data.get("total")).isEqualTo(new BigDecimal("42.5"));
    assertThat(data.get("big")).isEqualTo(new BigDecimal("123456789012345678901234"));
  }

  @Test
  void copyOf_float_keepsItsDecimalDigits() {
    assertThat(EventData.copyOf(Map.of("price", 0.1f)).get("price")).isEqualTo(new BigDecimal("0.1"));
    assertThat(EventData.copyOf(Map.of("price", 19.99f)).get("price")).isEqualTo(new BigDecimal("19.99"));
  }

  @Test
  void copyOf_stringsBooleansBigDecimals_areKept() {
    BigDecimal total = new BigDecimal("42.50");
    Map<String, Object> data = EventData.copyOf(Map.of("currency", "EUR", "gift", true, "total", total));

    assertThat(data.get("total")).isSameAs(total);
    assertThat(data).containsEntry("currency", "EUR").containsEntry("gift", true);
  }

  @Test
  void copyOf_nestedValues_areNormalisedAndImmutable() {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("sku", "A-1");
    item.put("qty", 2);
    List<Object> items = new ArrayList<>(List.of(item));
    Map<String, Object> data = EventData.copyOf(Map.of("items", items));

    item.put("qty", 3);
    items.clear();

    assertThat(data.get("items")).isEqualTo(List.of(Map.of("sku", "A-1", "qty", 2L)));
    @SuppressWarnings("unchecked")
    List<Object> copied = (List<Object>) data.get("items");
    assertThatThrownBy(() -> copied.add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> data.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void copyOf_nullValue_throwsNamingTheKey() {
    Map<String, Object> data = new HashMap<>();
    data.put("coupon", null);

    assertThatIllegalArgumentException().isThrownBy(() -> EventData.copyOf(data))
        .withMessageContaining("coupon")
        .withMessageContaining("must not be null");
  }

  @Test
  void copyOf_nullInsideList_throwsNamingTheKey() {
    assertThatIllegalArgumentException().isThrownBy(() -> EventData.copyOf(Map.of("tags", Arrays.asList("a", null))))
        .withMessageContaining("tags");
  }

  @Test
  void copyOf_nonFiniteNumber_throwsNamingTheKey() {
    for (Object bad : List.of(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)) {
      assertThatIllegalArgumentException().as("%s", bad).isThrownBy(() -> EventData.copyOf(Map.of("total", bad)))
          .withMessageContaining("total")
          .withMessageContaining("finite");
    }
  }

  @Test
  void copyOf_unsupportedType_throwsNamingKeyAndType() {
    for (Object bad : List.of(Instant.EPOCH, new AtomicLong(1), new Object(), new int[] {1}, 'c')) {
      assertThatIllegalArgumentException().as("%s", bad).isThrownBy(() -> EventData.copyOf(Map.of("when", bad)))
          .withMessageContaining("when")
          .withMessageContaining(bad.getClass().getName());
    }
  }

  @Test
  void copyOf_badValueInNestedMap_namesThePath() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> EventData.copyOf(Map.of("address", Map.of("since", Instant.EPOCH))))
        .withMessageContaining("address.since");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> EventData.copyOf(Map.of("address", Map.of(1, "x"))))
        .withMessageContaining("address");
  }

  @Test
  void copyOf_nullMapOrKey_throwsNamingIt() {
    assertThatNullPointerException().isThrownBy(() -> EventData.copyOf(null)).withMessage("data");
    Map<String, Object> nullKey = new HashMap<>();
    nullKey.put(null, "x");
    assertThatNullPointerException().isThrownBy(() -> EventData.copyOf(nullKey)).withMessage("data key");
  }

  @Test
  void copyOf_copy_isUnchanged() {
    Trials.forAll("copyOf is idempotent", 200, random -> {
      Map<String, Object> raw = new LinkedHashMap<>();
      int n = random.nextInt(6);
      for (int i = 0; i < n; i++) {
        raw.put("k" + i, Trials.oneOf(random, random.nextInt(), random.nextDouble() * 1000, "v" + random.nextInt(9),
            random.nextBoolean(), List.of(random.nextInt(3), "x")));
      }

      Map<String, Object> once = EventData.copyOf(raw);

      assertThat(EventData.copyOf(once)).isEqualTo(once);
      assertThat(once.keySet()).containsExactlyElementsOf(raw.keySet());
    });
  }

  @Test
  void number_readsNumbersAndNumericStrings() {
    Map<String, Object> data = EventData.copyOf(Map.of(
        "l", 5, "d", new BigDecimal("2.5"), "s", " 12.75 ", "comma", "12,5", "word", "abc", "flag", true));

    assertThat(EventData.number(data, "l")).contains(new BigDecimal("5"));
    assertThat(EventData.number(data, "d")).contains(new BigDecimal("2.5"));
    assertThat(EventData.number(data, "s")).contains(new BigDecimal("12.75"));
    assertThat(EventData.number(data, "comma")).as("no locale-dependent parsing").isEmpty();
    assertThat(EventData.number(data, "word")).isEmpty();
    assertThat(EventData.number(data, "flag")).isEmpty();
    assertThat(EventData.number(data, "absent")).isEmpty();
  }

  @Test
  void string_readsNonBlankStrings() {
    Map<String, Object> data = EventData.copyOf(Map.of("list", "news", "blank", " ", "n", 1));

    assertThat(EventData.string(data, "list")).contains("news");
    assertThat(EventData.string(data, "blank")).isEmpty();
    assertThat(EventData.string(data, "n")).isEmpty();
    assertThat(EventData.string(data, "absent")).isEqualTo(Optional.empty());
  }

  /** Lists alternating with maps, {@code depth} levels in all, around the string {@code "x"}. */
  private static Object nested(int depth) {
    Object v = "x";
    for (int i = 0; i < depth; i++) {
      v = i % 2 == 0 ? List.of(v) : Map.of("k", v);
    }
    return v;
  }

  /**
   * Production review M4: data nested 5 000 deep overflowed the stack while the event was built,
   * and data nested 998 deep was accepted, then made the person's export fail for good.
   */
  @Test
  void checkValue_nestingBeyondMaxDepth_refusedNamingTheKey() {
    assertThat(EventData.checkValue("ok", nested(EventData.MAX_DEPTH))).isEqualTo(nested(EventData.MAX_DEPTH));

    for (int depth : new int[] {EventData.MAX_DEPTH + 1, 998, 5_000, 20_000}) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> Event.builder("e-1", "t", Instant.EPOCH).data("deep_key", nested(depth)))
          .withMessageStartingWith("value of deep_key")
          .withMessageContaining("deeper than " + EventData.MAX_DEPTH);
      assertThatIllegalArgumentException()
          .isThrownBy(() -> EventData.copyOf(Map.of("deep_key", nested(depth))))
          .withMessageStartingWith("value of deep_key");
    }
  }

  @Test
  void checkValue_tooDeep_messageNamesTheKeyAndTheBound() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> {
          Object lists = "x";
          for (int i = 0; i <= EventData.MAX_DEPTH; i++) {
            lists = List.of(lists);
          }
          EventData.checkValue("favourite", lists);
        })
        .withMessage("value of favourite must not nest lists and maps deeper than " + EventData.MAX_DEPTH + " levels");
  }
}
