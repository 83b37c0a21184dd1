package dev.clientele.core.internal;

import java.util.List;
import java.util.Map;

/**
 * An attribute value written so that two different values never give the same text: every
 * string with its length, every number and boolean with its class, lists and maps with their
 * sizes, lists' elements in their order and maps' entries in key order, so equal values give
 * equal text. {@code String.valueOf} does not have that property
 * ({@code [1]} and {@code ["1"]} print alike); this is the last tie-break of
 * {@link dev.clientele.core.Attribute#OBSERVATION_ORDER} and part of the key a
 * {@code UNION} merge de-duplicates by. Not API: used by core and identity.
 */
public final class TypedText {
  private TypedText() {}

  /** The typed text of {@code value}, a JSON-like value (see {@link dev.clientele.core.EventData}). */
  public static String of(Object value) {
    StringBuilder out = new StringBuilder();
    append(out, value);
    return out.toString();
  }

  private static void append(StringBuilder out, Object v) {
    if (v instanceof String s) {
      out.append('s').append(s.length()).append(':').append(s);
    } else if (v instanceof List<?> list) {
      out.append('[').append(list.size()).append(':');
      for (Object e : list) {
        append(out, e);
      }
      out.append(']');
    } else if (v instanceof Map<?, ?> map) {
      // Entries in key order: equal maps give equal text whatever order their keys iterate in
      // (a UNION keeps two equal maps once; the text does not depend on how the map was built).
      java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>();
      map.forEach((k, x) -> sorted.put(String.valueOf(k), x));
      out.append('{').append(sorted.size()).append(':');
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        append(out, e.getKey());
        append(out, e.getValue());
      }
      out.append('}');
    } else {
      String text = String.valueOf(v); // a number or a boolean
      out.append(v.getClass().getName()).append(text.length()).append(':').append(text);
    }
  }
}
