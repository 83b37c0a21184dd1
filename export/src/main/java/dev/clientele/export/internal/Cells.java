package dev.clientele.export.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.clientele.export.MultiValues;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.temporal.TemporalAccessor;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** Turns cell values into CSV text and JSON values. Not API: may change without notice. */
public final class Cells {
  private static final JsonFactory JSON = new JsonFactory();

  private Cells() {}

  /** The value with any {@link Optional} unwrapped; null when absent. */
  public static Object unwrap(Object v) {
    while (v instanceof Optional<?> o) {
      v = o.orElse(null);
    }
    return v;
  }

  /** Whether a value of this class is written as text that may need formula guarding. */
  static boolean isText(Object v) {
    return v instanceof CharSequence || v instanceof Collection<?> || v instanceof Map<?, ?>;
  }

  /**
   * The CSV text of a value (already unwrapped, not null): numbers plain, times ISO-8601, lists
   * joined by {@link MultiValues}, maps as JSON.
   */
  static String text(Object v, String column) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Collection<?> c) {
      StringBuilder b = new StringBuilder();
      boolean first = true;
      for (Object o : c) {
        if (!first) {
          b.append(MultiValues.SEPARATOR);
        }
        first = false;
        Object e = unwrap(o);
        if (e != null) {
          appendEscaped(b, text(e, column));
        }
      }
      return b.toString();
    }
    if (v instanceof Boolean || v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
        || v instanceof BigInteger) {
      return v.toString();
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isFinite(d) ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString() : Double.toString(d);
    }
    if (v instanceof CharSequence s) {
      return s.toString();
    }
    if (v instanceof Instant t) {
      return IsoTimes.format(t);
    }
    if (v instanceof TemporalAccessor) {
      return v.toString();
    }
    if (v instanceof Map<?, ?>) {
      StringWriter w = new StringWriter();
      try (JsonGenerator g = JSON.createGenerator(w)) {
        g.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        json(g, v, column);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return w.toString();
    }
    throw unsupported(v, column);
  }

  /** Appends {@code t} as one value of a multi-valued cell: separators and escapes escaped. */
  static void appendEscaped(StringBuilder b, String t) {
    if (t.indexOf(MultiValues.SEPARATOR) < 0 && t.indexOf(MultiValues.ESCAPE) < 0) {
      b.append(t);
      return;
    }
    for (int i = 0; i < t.length(); i++) {
      char ch = t.charAt(i);
      if (ch == MultiValues.SEPARATOR || ch == MultiValues.ESCAPE) {
        b.append(MultiValues.ESCAPE);
      }
      b.append(ch);
    }
  }

  /** Writes a value (possibly an Optional or null) as JSON. */
  static void json(JsonGenerator g, Object raw, String column) throws IOException {
    Object v = unwrap(raw);
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof BigDecimal d) {
      g.writeNumber(d);
    } else if (v instanceof BigInteger i) {
      g.writeNumber(i);
    } else if (v instanceof Double || v instanceof Float) {
      g.writeNumber(((Number) v).doubleValue());
    } else if (v instanceof CharSequence s) {
      g.writeString(s.toString());
    } else if (v instanceof Instant t) {
      g.writeString(IsoTimes.format(t));
    } else if (v instanceof TemporalAccessor) {
      g.writeString(v.toString());
    } else if (v instanceof Collection<?> c) {
      g.writeStartArray();
      for (Object o : c) {
        json(g, o, column);
      }
      g.writeEndArray();
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        json(g, e.getValue(), column);
      }
      g.writeEndObject();
    } else {
      throw unsupported(v, column);
    }
  }

  private static IllegalArgumentException unsupported(Object v, String column) {
    return new IllegalArgumentException("column " + column + " gave a value of unsupported type " + v.getClass().getName()
        + " (use String, Boolean, Number, a java.time value, List, Map or Optional)");
  }
}
