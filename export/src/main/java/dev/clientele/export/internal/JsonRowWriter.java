package dev.clientele.export.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** Writes rows as JSON objects keyed by column name: JSON Lines or one array. Not API. */
public final class JsonRowWriter implements RowWriter {
  private static final JsonFactory FACTORY = new JsonFactory();

  private final JsonGenerator g;
  private final boolean lines;
  private String[] names = new String[0];

  private JsonRowWriter(JsonGenerator g, boolean lines) {
    this.g = g;
    this.lines = lines;
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    g.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    g.setRootValueSeparator(null);
  }

  /** JSON Lines ({@code lines}) or one array to {@code out} (UTF-8), flushed but not closed by {@link #close()}. */
  public static JsonRowWriter to(OutputStream out, boolean lines) throws IOException {
    return new JsonRowWriter(FACTORY.createGenerator(out, JsonEncoding.UTF8), lines);
  }

  @Override
  public void start(List<String> columnNames) throws IOException {
    this.names = columnNames.toArray(String[]::new);
    if (!lines) {
      g.writeStartArray();
    }
  }

  @Override
  public void row(Object[] cells) throws IOException {
    g.writeStartObject();
    for (int i = 0; i < cells.length; i++) {
      g.writeFieldName(names[i]);
      Cells.json(g, cells[i], names[i]);
    }
    g.writeEndObject();
    if (lines) {
      g.writeRaw('\n');
    }
  }

  @Override
  public void close() throws IOException {
    if (!lines) {
      g.writeEndArray();
      g.writeRaw('\n');
    }
    g.close();
  }
}
