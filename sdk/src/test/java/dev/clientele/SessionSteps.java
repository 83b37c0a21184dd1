package dev.clientele;

import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.spi.MergeRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Steps that the random-session properties share: the live profiles in a stable order, a split of
 * one of the merges still in the log, and a forced merge of two live profiles, each picked by the
 * generated numbers and written to the session's log for the failure report.
 */
final class SessionSteps {
  private SessionSteps() {}

  /** The live profiles, sorted by id, so that a generated index picks the same one every run. */
  static List<Profile> live(Clientele c) {
    List<Profile> live = new ArrayList<>(Fixtures.profiles(c));
    live.sort(Comparator.comparing(p -> p.id().value()));
    return live;
  }

  /**
   * Splits the merge (not split) record {@code pick} picks among the live profiles' logs, if there
   * is one; a split refused as documented (its identifiers erased or moved) is logged, not thrown.
   *
   * @return the record split, or null if there was none or the split was refused
   */
  static MergeRecord splitOne(Clientele c, List<Profile> live, int pick, StringBuilder log) {
    Map<String, MergeRecord> merges = new TreeMap<>();
    live.forEach(p -> c.mergeLog(p.id()).stream().filter(r -> r.kind() != MergeRecord.Kind.SPLIT)
        .forEach(r -> merges.put(r.id(), r)));
    if (merges.isEmpty()) {
      return null;
    }
    MergeRecord m = new ArrayList<>(merges.values()).get(pick % merges.size());
    try {
      c.split(m.id(), "property");
      log.append("\nsplit ").append(m.kind()).append(' ').append(m.profile()).append(" <- ").append(m.sides());
      return m;
    } catch (IllegalStateException documented) {
      log.append("\nsplit refused: ").append(documented.getMessage());
      return null;
    }
  }

  /** Force-merges two different live profiles picked by {@code pick} and {@code mask}, if there are two. */
  static void forceMergeTwo(Clientele c, List<Profile> live, int pick, int mask, StringBuilder log) {
    if (live.size() < 2) {
      return;
    }
    Profile a = live.get(pick % live.size());
    Profile b = live.get((pick % live.size() + 1 + mask % (live.size() - 1)) % live.size());
    c.merge(a.id(), b.id(), "property");
    log.append("\nforced merge ").append(a.id()).append(' ').append(b.id());
  }

  /** One to three different identifiers of {@code pool}, picked by {@code mask} (the same mask, the same pick). */
  static List<Identifier> someOf(List<Identifier> pool, int mask) {
    List<Identifier> out = new ArrayList<>();
    Random r = new Random(mask);
    int n = Math.min(1 + mask % 3, pool.size());
    while (out.size() < n) {
      Identifier i = pool.get(r.nextInt(pool.size()));
      if (!out.contains(i)) {
        out.add(i);
      }
    }
    return out;
  }
}
