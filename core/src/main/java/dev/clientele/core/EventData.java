package dev.clientele.core;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON-like values Clientele accepts in event data and attributes, and typed reads of them.
 *
 * <p>Accepted: {@link String}, {@link Boolean}, integral numbers (kept as {@link Long}), other
 * numbers (kept as {@link BigDecimal}, at most {@link #MAX_VALUE_DIGITS} digits before and after
 * the point; {@code double} must be finite), and immutable lists and
 * string-keyed maps of those. {@code null} is not a value: leave the key out instead.
 */
public final class EventData {
  private EventData() {}

  /**
   * Returns an unmodifiable, normalised copy of a data map, iterated in the order {@code data}
   * iterates. It equals any map with the same entries.
   *
   * @throws IllegalArgumentException naming the key if a value is not JSON-like, a key or string
   *     holds a NUL or an unpaired surrogate, a number has more than {@link #MAX_VALUE_DIGITS}
   *     digits before its point or after it (trailing zeros not counted), or a value nests lists
   *     and maps deeper than {@link #MAX_DEPTH}
   */
  public static Map<String, Object> copyOf(Map<String, ?> data) {
    requireNonNull(data, "data");
    if (data instanceof ImmutableMap<String, ?> immutable && isNormalised(immutable)) {
      @SuppressWarnings("unchecked") // immutable, so reading it as a map of Object is safe
      ImmutableMap<String, Object> same = (ImmutableMap<String, Object>) immutable;
      return same; // already a normalised copy (e.g. an event's data passed on): nothing to copy
    }
    ImmutableMap.Builder<String, Object> b = ImmutableMap.builderWithExpectedSize(data.size());
    for (Map.Entry<String, ?> e : data.entrySet()) {
      String key = requireNonNull(e.getKey(), "data key");
      checkText("data key", "", key);
      b.put(key, checkValue(Names.forMessage(key), e.getValue()));
    }
    return b.buildOrThrow();
  }

  /** Whether every value is a scalar that {@link #checkValue} would return unchanged. */
  private static boolean isNormalised(ImmutableMap<String, ?> data) {
    // forEach, not a loop over entrySet(): Guava's maps hand their keys and values over without
    // an entry set, an iterator, or (for one entry) an entry object per call; the check is made
    // for every event built from another's data (Event.withIdentifiers), so per ingested event.
    NormalisedCheck check = new NormalisedCheck();
    data.forEach(check);
    return check.normalised;
  }

  /** {@link #isNormalised}'s check of each entry: cleared at the first one that is not. */
  private static final class NormalisedCheck implements java.util.function.BiConsumer<Object, Object> {
    boolean normalised = true;

    @Override
    public void accept(Object key, Object v) {
      // A raw-typed map could hold other keys: those take the full path.
      if (!normalised
          || !(key instanceof String k) || !(v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof BigDecimal)
          || Names.badCharAt(k, true) >= 0 || (v instanceof String text && Names.badCharAt(text, true) >= 0)
          || (v instanceof BigDecimal d && !isPlainSized(d))) {
        normalised = false; // the full path names the problem
      }
    }
  }

  /**
   * Checks one value and returns its normalised immutable form.
   *
   * @param name the key or attribute name, for the message only: it is shown as it is, so a
   *     caller passes a key that may be personal through {@link Pii#mask} first
   * @throws IllegalArgumentException naming {@code name} if the value is not JSON-like, a string
   *     in it holds a NUL or an unpaired surrogate, a number in it has more than {@link
   *     #MAX_VALUE_DIGITS} digits before its point or after it (trailing zeros not counted), or it
   *     nests lists and maps deeper than {@link #MAX_DEPTH}
   */
  public static Object checkValue(String name, Object value) {
    return checkValue(name, value, 0);
  }

  /**
   * The deepest nesting of lists and maps a value may have: a list or map directly under a key is
   * at depth 1, one inside it at depth 2, and so on. Deeper data is refused: checking, copying,
   * storing and exporting a value all recurse through it, so without a bound a value nested some
   * thousands deep overflows the stack, and one nested about a thousand deep is stored but then
   * cannot be written out by JSON libraries (which limit nesting to about a thousand), so the
   * person's export fails. Real event data nests a few levels.
   */
  public static final int MAX_DEPTH = 32;

  /** {@link #checkValue(String, Object)} of a value inside {@code depth} lists and maps. */
  private static Object checkValue(String name, Object value, int depth) {
    if (value == null) {
      throw new IllegalArgumentException("value of " + name + " must not be null (leave the key out)");
    }
    if (value instanceof String text) {
      checkText("value of ", name, text); // the message is built only on failure
      return text;
    }
    if (value instanceof Boolean || value instanceof Long) {
      return value;
    }
    if (value instanceof BigDecimal d) {
      return checkSize(name, d);
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof java.math.BigInteger bi) {
      return checkSize(name, new BigDecimal(bi));
    }
    if (value instanceof Float f && Float.isFinite(f)) {
      return new BigDecimal(Float.toString(f)); // the float's own digits: 0.1f is 0.1, not 0.10000000149011612
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("value of " + name + " must be a finite number: " + d);
      }
      return BigDecimal.valueOf(d);
    }
    if ((value instanceof List<?> || value instanceof Map<?, ?>) && depth >= MAX_DEPTH) {
      throw new IllegalArgumentException("value of " + name + " must not nest lists and maps deeper than " + MAX_DEPTH + " levels");
    }
    if (value instanceof List<?> list) {
      ImmutableList.Builder<Object> b = ImmutableList.builderWithExpectedSize(list.size());
      for (Object o : list) {
        b.add(checkValue(name, o, depth + 1));
      }
      return b.build();
    }
    if (value instanceof Map<?, ?> map) {
      ImmutableMap.Builder<String, Object> b = ImmutableMap.builderWithExpectedSize(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String k)) {
          throw new IllegalArgumentException("keys inside " + name + " must be strings");
        }
        checkText("key inside ", name, k);
        b.put(k, checkValue(name + "." + Names.forMessage(k), e.getValue(), depth + 1));
      }
      return b.buildOrThrow();
    }
    throw new IllegalArgumentException(
        "value of " + name + " must be a string, boolean, number, list or map: " + value.getClass().getName());
  }

  /**
   * The most digits a number value may have before its point, and after it (trailing zeros not
   * counted): a JSON number such as {@code 1e999999999} is a valid {@link BigDecimal}, but
   * writing it out, or adding it to a plain number, needs a billion digits.
   */
  public static final int MAX_VALUE_DIGITS = 1000;

  private static boolean isPlainSized(BigDecimal d) {
    return d.signum() != 0 ? d.precision() - d.scale() <= MAX_VALUE_DIGITS
        && (d.scale() <= MAX_VALUE_DIGITS || d.stripTrailingZeros().scale() <= MAX_VALUE_DIGITS)
        : d.scale() >= -MAX_VALUE_DIGITS && d.scale() <= MAX_VALUE_DIGITS;
  }

  private static BigDecimal checkSize(String name, BigDecimal d) {
    if (d.signum() == 0 && !isPlainSized(d)) {
      return BigDecimal.ZERO; // 0e999999999 is just zero
    }
    if (!isPlainSized(d)) {
      throw new IllegalArgumentException("value of " + name + " must be a number of at most " + MAX_VALUE_DIGITS
          + " digits before and after the point, not one of scale " + d.scale());
    }
    return d;
  }

  /** Refuses a NUL or an unpaired surrogate: not every backend stores them as they are. */
  private static void checkText(String what, String name, String text) {
    int bad = Names.badCharAt(text, true);
    if (bad >= 0) {
      throw new IllegalArgumentException(what + name + " must not contain a NUL or an unpaired surrogate: " + Pii.mask(text)
          + " has " + Names.describeBadChar(text, bad));
    }
  }

  /**
   * The bound of the numbers that {@link #number} reads: at most this many digits before the
   * point (so below 10<sup>100</sup> in magnitude, within a {@code double}'s range:
   * 10<sup>99</sup>, with 100 digits, is read), and a scale without trailing zeros of at most this. Beyond it a value such as {@code 1e999999999} or
   * {@code 1e-999999999} is no amount: summing it with a plain one would need a billion digits,
   * or overflow.
   */
  public static final int MAX_NUMBER_DIGITS = 100;

  /** The longest string that {@link #number} parses (as JSON parsers limit number literals). */
  private static final int MAX_NUMBER_TEXT = 1000;

  /**
   * Reads a number from {@code data}: a number, or a string holding one.
   *
   * @return empty if the key is absent; empty too if present but not a number, or a number out of
   *     the bounds of {@link #MAX_NUMBER_DIGITS} (the caller decides how to record that)
   */
  public static Optional<BigDecimal> number(Map<String, Object> data, String key) {
    Object v = requireNonNull(data, "data").get(requireNonNull(key, "key"));
    if (v instanceof Long l) {
      return Optional.of(BigDecimal.valueOf(l));
    }
    if (v instanceof BigDecimal d) {
      return bounded(d);
    }
    if (v instanceof String s && s.length() <= MAX_NUMBER_TEXT) {
      try {
        return bounded(new BigDecimal(s.strip()));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static Optional<BigDecimal> bounded(BigDecimal d) {
    if (d.signum() == 0) {
      return Optional.of(d.scale() < 0 || d.scale() > MAX_NUMBER_DIGITS ? BigDecimal.ZERO : d);
    }
    if (d.precision() - d.scale() > MAX_NUMBER_DIGITS) {
      return Optional.empty();
    }
    if (d.scale() > MAX_NUMBER_DIGITS && d.stripTrailingZeros().scale() > MAX_NUMBER_DIGITS) {
      return Optional.empty(); // 1.000…0 written with many zeros is still a plain 1
    }
    return Optional.of(d);
  }


  /** Reads a non-blank string from {@code data}; empty if absent, blank or not a string. */
  public static Optional<String> string(Map<String, Object> data, String key) {
    return requireNonNull(data, "data").get(requireNonNull(key, "key")) instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
  }
}
