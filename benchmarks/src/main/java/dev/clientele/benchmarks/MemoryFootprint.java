package dev.clientele.benchmarks;

import dev.clientele.Clientele;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.StoredEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.management.ObjectName;

/**
 * Approximate retained heap of an in-memory {@link Clientele} after ingesting the default
 * fixture: used heap after a full GC with the store alive and the fixture dropped, minus used
 * heap before anything was built, divided by profiles and by identifiers. Also prints what the
 * profiles hold and the top of a class histogram, so the bytes can be attributed. Then splits
 * the total into the stored events alone (measured by keeping only them alive) and the rest
 * (profiles, identifier index, event indexes, normalisation cache), which is the figure to read
 * per profile and per identifier.
 *
 * <p>Approximate: {@code MemoryMXBean} used heap after {@code System.gc()} includes whatever the
 * JVM keeps around (class metadata is not heap, but interned strings, caches of the libraries
 * and GC slack are); the result is good to a few percent, not to the byte.
 *
 * <pre>
 * java -Xmx8g -cp benchmarks/target/benchmarks.jar dev.clientele.benchmarks.MemoryFootprint [events people]
 * </pre>
 */
public final class MemoryFootprint {
  private MemoryFootprint() {}

  public static void main(String[] args) throws Exception {
    int eventCount = args.length > 0 ? Integer.parseInt(args[0]) : EventFixture.DEFAULT_EVENTS;
    int people = args.length > 1 ? Integer.parseInt(args[1]) : EventFixture.DEFAULT_PEOPLE;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    Clientele warm = Clientele.inMemory(); // load and initialise the library's classes first
    warm.ingest(EventFixture.generate(10, 5, 1).events().get(0));
    warm.close();
    long before = usedAfterGc(memory);

    EventFixture fixture = EventFixture.generate(eventCount, people, EventFixture.DEFAULT_SEED);
    long withFixture = usedAfterGc(memory);
    System.out.println("fixture: " + fixture.summary());
    System.out.printf(Locale.ROOT, "fixture alone: %,d bytes (%.0f per event)%n",
        withFixture - before, (double) (withFixture - before) / eventCount);

    Clientele clientele = Clientele.inMemory();
    List<Event> events = fixture.events();
    long t0 = System.nanoTime();
    for (Event e : events) {
      clientele.ingest(e);
    }
    long t1 = System.nanoTime();
    System.out.printf(Locale.ROOT, "ingested in %.1f s: %s%n", (t1 - t0) / 1e9, clientele.stats());
    fixture = null;
    events = null;
    long after = usedAfterGc(memory);
    long retained = after - before;

    long profiles = 0;
    long identifiers = 0;
    long anonymousProfiles = 0;
    long undeliverable = 0;
    long attributes = 0;
    Map<String, Long> byType = new TreeMap<>();
    Optional<ProfileId> cursor = Optional.empty();
    while (true) {
      List<Profile> page = clientele.storage().profiles(cursor, 10_000);
      if (page.isEmpty()) {
        break;
      }
      for (Profile p : page) {
        profiles++;
        identifiers += p.identifiers().size();
        attributes += p.attributes().size();
        anonymousProfiles += p.isAnonymous() ? 1 : 0;
        for (IdentifierState s : p.identifiers()) {
          byType.merge(s.type().name(), 1L, Long::sum);
          if (s.type().isMessaging() && !s.deliverability().equals(Deliverability.DELIVERABLE)) {
            undeliverable++;
          }
        }
      }
      cursor = Optional.of(page.get(page.size() - 1).id());
    }
    long storedEvents = clientele.storage().eventCount();
    System.out.printf(Locale.ROOT,
        "profiles %,d (anonymous-only %,d), identifiers %,d %s (messaging undeliverable: %,d), attributes %,d,"
            + " stored events %,d%n",
        profiles, anonymousProfiles, identifiers, byType, undeliverable, attributes, storedEvents);
    System.out.printf(Locale.ROOT, "retained by the store (approx.): %,d bytes = %.1f MiB%n", retained, retained / 1048576.0);
    System.out.printf(Locale.ROOT, "  per profile    %,.0f bytes%n", (double) retained / profiles);
    System.out.printf(Locale.ROOT, "  per identifier %,.0f bytes%n", (double) retained / identifiers);
    System.out.printf(Locale.ROOT, "  per event      %,.0f bytes%n", (double) retained / storedEvents);
    System.out.println();
    System.out.println("class histogram, top 30 (live objects; includes the store and little else):");
    String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"),
        "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
    histogram.lines().limit(33).forEach(System.out::println);

    // Split the total: keep only the stored events (which hold the normalised events, their
    // data and identifier lists) and drop the instance; what the heap loses is the rest of the
    // store: profiles, identifier states, the identifier index, the event-id set and
    // per-anchor event lists, and the normalisation cache. Objects shared by an event and a
    // profile (an Identifier on both) count on the event side, so the profile side is a floor.
    List<StoredEvent> kept = clientele.storage().allEvents().toList();
    clientele.close();
    clientele = null;
    long eventsOnly = usedAfterGc(memory) - before;
    long rest = retained - eventsOnly;
    System.out.println();
    System.out.printf(Locale.ROOT, "stored events alone (approx.): %,d bytes = %.1f MiB, %,.0f per event (%,d kept)%n",
        eventsOnly, eventsOnly / 1048576.0, (double) eventsOnly / storedEvents, kept.size());
    System.out.printf(Locale.ROOT, "the rest (profiles, identifier index, event indexes, normalisation cache): %,d bytes = %.1f MiB%n",
        rest, rest / 1048576.0);
    System.out.printf(Locale.ROOT, "  per profile    %,.0f bytes%n", (double) rest / profiles);
    System.out.printf(Locale.ROOT, "  per identifier %,.0f bytes%n", (double) rest / identifiers);
  }

  private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
