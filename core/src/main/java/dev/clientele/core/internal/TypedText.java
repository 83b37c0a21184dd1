package dev.clientele.core.internal;

import java.util.List;
import java.util.Map;

/**
 * An attribute value written so that two different values never give the same text: every
 * string with its length, every number and boolean with its class, lists and maps with their
 * sizes and entries in their own order. {@code String.valueOf} does not have that property
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
      out.append('{').append(map.size()).append(':');
      for (Map.Entry<?, ?> e : map.entrySet()) {
        append(out, String.valueOf(e.getKey()));
        append(out, e.getValue());
      }
      out.append('}');
    } else {
      String text = String.valueOf(v); // a number or a boolean
      out.append(v.getClass().getName()).append(text.length()).append(':').append(text);
    }
  }
}
