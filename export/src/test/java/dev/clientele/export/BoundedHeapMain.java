package dev.clientele.export;

import dev.clientele.core.Attribute;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.Locale;

/**
 * Run in a child JVM with a small heap by {@link BoundedHeapTest}: exports {@code args[0]}
 * generated profiles, each with a distinct {@code args[1]}-character attribute, in the format
 * {@code args[2]}, to a stream that only counts bytes; prints {@code rows bytes maxHeap}.
 */
public final class BoundedHeapMain {
  private BoundedHeapMain() {}

  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    int size = Integer.parseInt(args[1]);
    ExportFormat format = ExportFormat.valueOf(args[2]);
    long[] bytes = {0};
    OutputStream counting = new OutputStream() {
      @Override
      public void write(int b) {
        bytes[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        bytes[0] += len;
      }
    };
    ProfileSource generated = ProfileSource.ofIterators(() -> new Iterator<Profile>() {
      int i;

      @Override
      public boolean hasNext() {
        return i < n;
      }

      @Override
      public Profile next() {
        int k = i++;
        StringBuilder note = new StringBuilder(size);
        while (note.length() < size) {
          note.append(k).append(", \"quoted\" ");
        }
        return Profile.builder(ProfileId.of(String.format(Locale.ROOT, "p-%09d", k)), ExportFixtures.T0)
            .putIdentifier(ExportFixtures.id(IdentifierType.EMAIL, "u" + k + "@example.com", 0))
            .putAttribute(new Attribute("note", note.toString(), "gen", ExportFixtures.T0))
            .build();
      }
    });
    ExportSummary s = ProfileExporter.write(ExportRequest.builder().preset(Preset.ALL_CUSTOMER_INFO).format(format)
        .attributeNames(java.util.List.of("note")).build(), generated, counting);
    System.out.println(s.rowsWritten() + " " + bytes[0] + " " + Runtime.getRuntime().maxMemory());
  }
}
