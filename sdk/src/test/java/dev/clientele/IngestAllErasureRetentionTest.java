package dev.clientele;

import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Attribute;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

/** After a gdpr_delete inside one ingestAll call, nothing of the erased profile stays reachable. */
class IngestAllErasureRetentionTest {
  static final Identifier ANN = Identifier.of(IdentifierType.EMAIL, "ann.secret@example.com");

  @Test
  void ingestAll_keepsNoReferenceToAnErasedProfile() throws Exception {
    Clientele c = Clientele.inMemory();
    WeakReference<?>[] refs = new WeakReference<?>[2];
    boolean[] cleared = new boolean[2];
    Event[] script = {
        event("a-1", "identify", 1).identifier(IdentifierType.EMAIL, "ann.secret@example.com")
            .data("first_name", "Annabel").build(),
        // ends the read-ahead group, so a-1 is applied before the iterator is asked again; touches no profile
        event("gdpr-x", "compliance", 2).action("gdpr_delete").identifier(IdentifierType.EMAIL, "nobody@example.com").build(),
        event("gdpr-ann", "compliance", 3).action("gdpr_delete").identifier(IdentifierType.EMAIL, "ann.secret@example.com").build(),
    };
    Iterable<Event> events = () -> new Iterator<>() {
      int next;

      @Override
      public boolean hasNext() {
        if (next == 2) { // a-1 applied: remember Ann's attribute and identifier state, weakly
          capture(c, refs);
        }
        if (next == 3) { // Ann erased: nothing may keep her data alive
          for (int i = 0; i < 20 && (refs[0].get() != null || refs[1].get() != null); i++) {
            System.gc();
            try {
              Thread.sleep(20);
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
          }
          cleared[0] = refs[0].get() == null;
          cleared[1] = refs[1].get() == null;
        }
        return next < script.length;
      }

      @Override
      public Event next() {
        return script[next++];
      }
    };
    c.ingestAll(events);
    assertThat(c.profile(ANN)).isEmpty();
    assertThat(cleared).as("Ann's attribute / identifier state collected after her gdpr_delete").containsExactly(true, true);
  }

  private static void capture(Clientele c, WeakReference<?>[] refs) {
    Profile p = c.profile(ANN).orElseThrow();
    Attribute first = p.attribute("first_name").orElseThrow();
    IdentifierState state = p.identifier(ANN).orElseThrow();
    refs[0] = new WeakReference<>(first);
    refs[1] = new WeakReference<>(state);
  }
}
