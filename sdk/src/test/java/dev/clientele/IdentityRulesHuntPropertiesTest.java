package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.identity.IdentifierNormalizer;
import dev.clientele.identity.IdentifierPolicy;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.LinkPlan;
import dev.clientele.identity.NormalizedIdentifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The identity rules under random non-default configurations (hunt "hrules"): random priorities,
 * limits with and without windows, attach-only and unique types, caps, blocked values and
 * patterns, and a host-defined type with its own normaliser; random histories of a few people
 * with spelling variants, junk values and out-of-order times. Checked through the public API
 * against {@link Model}, an independent reading of DESIGN.md "Identity resolution" and the
 * Javadoc of {@link IdentifierPolicy} and {@link LinkPlan}, and against invariants that hold
 * whatever the history (limits and caps never exceeded without a forced merge, blocked values
 * held by nobody, one owner per identifier).
 */
class IdentityRulesHuntPropertiesTest {
  static final IdentifierType LOYALTY = IdentifierType.of("loyalty_card");
  static final List<IdentifierType> TYPES =
      List.of(IdentifierType.CUSTOMER_ID, IdentifierType.EMAIL, IdentifierType.ANONYMOUS_ID, LOYALTY);
  static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
  static final String SPAM = ".*@spam\\.com";

  /** The host normaliser of loyalty cards: strip, drop dashes, lower-case ("L-1", " l1 " → "l1"). */
  static final IdentifierNormalizer LOYALTY_NORMALIZER = raw -> NormalizedIdentifier.valid(
      Identifier.of(raw.type(), raw.value().strip().replace("-", "").toLowerCase(Locale.ROOT)));

  /** A random configuration, kept as plain data so the model reads it without the library's help. */
  record Config(
      Map<IdentifierType, IdentifierPolicy> policies,
      OptionalInt maxIds,
      OptionalInt maxMerges,
      boolean clearDefaults,
      boolean blockJunk,
      boolean blockPattern,
      boolean withoutLimits) {

    IdentityRules rules() {
      IdentityRules.Builder b = IdentityRules.builder();
      if (withoutLimits) {
        b.withoutLimits();
      }
      policies.forEach(b::policy);
      maxIds.ifPresent(b::maxIdentifiersPerProfile);
      maxMerges.ifPresent(b::maxMergesPerProfile);
      if (clearDefaults) {
        b.clearBlockedValues();
      }
      if (blockJunk) {
        b.blockValue("JUNK@ex.com").blockValue("L-0");
      }
      if (blockPattern) {
        b.blockPattern(SPAM);
      }
      return b.normalizer(LOYALTY, LOYALTY_NORMALIZER).build();
    }

    int idCap() {
      return maxIds.orElse(withoutLimits ? Integer.MAX_VALUE : 500);
    }

    int mergeCap() {
      return maxMerges.orElse(withoutLimits ? Integer.MAX_VALUE : 100);
    }
  }

  static Config randomConfig(Random r) {
    Map<IdentifierType, IdentifierPolicy> policies = new LinkedHashMap<>();
    int[] priorities = {10, 50, 80, 90};
    for (IdentifierType t : TYPES) {
      int priority = priorities[r.nextInt(priorities.length)];
      boolean uniqueAllowed = t.equals(IdentifierType.CUSTOMER_ID) || t.equals(LOYALTY);
      int kind = r.nextInt(uniqueAllowed ? 4 : 3);
      IdentifierPolicy p = kind == 3 ? IdentifierPolicy.unique(priority)
          : kind == 2 ? IdentifierPolicy.attachOnly(priority) : IdentifierPolicy.linking(priority);
      if (kind != 3 && r.nextInt(3) > 0) {
        int limit = 1 + r.nextInt(3);
        p = r.nextBoolean() ? p.withLimit(limit) : p.withLimit(limit, Duration.ofDays(1 + r.nextInt(3)));
      }
      policies.put(t, p);
    }
    return new Config(policies,
        r.nextInt(3) == 0 ? OptionalInt.of(2 + r.nextInt(6)) : OptionalInt.empty(),
        r.nextInt(3) == 0 ? OptionalInt.of(r.nextInt(4)) : OptionalInt.empty(),
        r.nextInt(4) == 0, r.nextBoolean(), r.nextBoolean(), r.nextInt(4) == 0);
  }

  /** A raw spelling of one value of {@code type}: variants of case, spaces, dashes; some junk. */
  static Identifier randomRaw(Random r, IdentifierType type) {
    int n = 1 + r.nextInt(4);
    String v;
    if (type.equals(IdentifierType.EMAIL)) {
      int k = r.nextInt(11);
      v = k == 0 ? "junk@ex.com" : k == 1 ? "s" + n + "@spam.com" : k == 2 ? "test@test.com" : k == 3 ? "bad" + n
          : "p" + n + "@ex.com";
      v = r.nextBoolean() ? v.toUpperCase(Locale.ROOT) : v;
    } else if (type.equals(LOYALTY)) {
      v = r.nextInt(8) == 0 ? "l-0" : r.nextBoolean() ? "L-" + n : "l" + n;
    } else if (type.equals(IdentifierType.CUSTOMER_ID)) {
      v = r.nextInt(10) == 0 ? "null" : "c" + n;
    } else {
      v = r.nextInt(10) == 0 ? "anonymous" : "a" + n;
    }
    return Identifier.of(type, r.nextBoolean() ? " " + v + " " : v);
  }

  static List<Event> randomHistory(Random r, int size) {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Event.Builder b = Event.builder("e-" + i, "pageview", T0.plus(Duration.ofHours(r.nextInt(24 * 8))));
      int k = 1 + r.nextInt(3);
      Set<Identifier> raws = new HashSet<>();
      for (int j = 0; j < k; j++) {
        Identifier raw = randomRaw(r, TYPES.get(r.nextInt(TYPES.size())));
        if (raws.add(raw)) {
          b.identifier(raw.type(), raw.value());
        }
      }
      events.add(b.build());
    }
    return events;
  }

  // ---------------------------------------------------------------------------------------------
  // The model

  /** One refusal as the model sees it. */
  record Refused(Identifier identifier, LinkPlan.Rule rule) {}

  /** What the model expects of one event. */
  record Expected(IngestResult.Outcome outcome, boolean created, int merged, List<Refused> refusals, Set<Identifier> holds,
      int blocked) {}

  /** Whether the model takes {@code id} (normalised) for a malformed email: not of the form local@domain.tld. */
  static boolean malformed(Identifier id) {
    return id.type().equals(IdentifierType.EMAIL) && !id.value().matches("[^\\s@]+@[^\\s@.]+(\\.[^\\s@.]+)+");
  }

  /** An independent reading of the rules: profiles as sets of identifiers with link times. */
  static final class Model {
    final Config config;
    final Map<Identifier, Integer> owner = new HashMap<>();
    final Map<Integer, Map<Identifier, Instant>> held = new HashMap<>();
    final Map<Integer, Integer> merged = new HashMap<>();
    final Map<Integer, Set<String>> events = new HashMap<>();
    int next;
    long blocked;
    long refusals;
    long idCapRefusals;
    long mergeCapRefusals;
    long created;
    long mergedAway;
    long rejected;
    long malformedCount;

    Model(Config config) {
      this.config = config;
    }

    IdentifierPolicy policy(IdentifierType t) {
      return config.policies().get(t);
    }

    static String norm(Identifier raw) {
      String v = raw.value().strip();
      if (raw.type().equals(IdentifierType.EMAIL)) {
        return v.toLowerCase(Locale.ROOT);
      }
      if (raw.type().equals(LOYALTY)) {
        return v.replace("-", "").toLowerCase(Locale.ROOT);
      }
      return v;
    }

    boolean isBlocked(Identifier id) {
      Set<String> values = new HashSet<>();
      if (!config.clearDefaults()) {
        values.addAll(List.of("null", "undefined", "0", "-1", "anonymous", "test@test.com"));
      }
      if (config.blockJunk()) {
        values.addAll(List.of("junk@ex.com", "l-0"));
      }
      Set<String> normal = new HashSet<>(values);
      values.forEach(v -> normal.add(norm(Identifier.of(id.type(), v)).toLowerCase(Locale.ROOT)));
      String v = id.value().toLowerCase(Locale.ROOT);
      return normal.contains(v)
          || (config.blockPattern() && Pattern.compile(SPAM, Pattern.CASE_INSENSITIVE).matcher(id.value()).matches());
    }

    /**
     * Which rule a step breaks, or null, judged on its two sides: the group so far ({@code a}) and
     * what joins it ({@code b}: a profile's identifiers, or the one identifier attached), whose
     * union is {@code ids}. The identifier cap, then each limited type by name. A step is not
     * refused for what one side already held: the identifier cap counts only when the union is
     * larger than both sides, and a type only when its values in the union are not all one
     * side's (that side was over the limit already, after a forced merge, and gains nothing of it).
     * Which side ranks first does not matter.
     */
    LinkPlan.Rule broken(Map<Identifier, Instant> ids, Map<Identifier, Instant> a, Map<Identifier, Instant> b) {
      if (ids.size() > config.idCap() && ids.size() > a.size() && ids.size() > b.size()) {
        return LinkPlan.Rule.IDENTIFIER_CAP;
      }
      Map<IdentifierType, List<Instant>> byType = new TreeMap<>(Comparator.comparing(IdentifierType::name));
      ids.forEach((id, at) -> byType.computeIfAbsent(id.type(), t -> new ArrayList<>()).add(at));
      for (Map.Entry<IdentifierType, List<Instant>> e : byType.entrySet()) {
        IdentifierPolicy p = policy(e.getKey());
        if (p.limit().isEmpty() || e.getValue().size() <= p.limit().getAsInt()) {
          continue;
        }
        if (countOf(a, e.getKey()) == e.getValue().size() || countOf(b, e.getKey()) == e.getValue().size()) {
          continue;
        }
        if (overLimit(e.getValue(), p)) {
          return p.unique() ? LinkPlan.Rule.UNIQUE_CONFLICT : LinkPlan.Rule.LIMIT;
        }
      }
      return null;
    }

    static long countOf(Map<Identifier, Instant> ids, IdentifierType type) {
      return ids.keySet().stream().filter(id -> id.type().equals(type)).count();
    }

    /** More than the limit of values, or (windowed) more than the limit linked within less than one window. */
    static boolean overLimit(List<Instant> times, IdentifierPolicy p) {
      int limit = p.limit().getAsInt();
      if (times.size() <= limit) {
        return false;
      }
      if (p.window().isEmpty()) {
        return true;
      }
      List<Instant> sorted = times.stream().sorted().toList();
      for (int i = 0; i + limit < sorted.size(); i++) {
        if (Duration.between(sorted.get(i), sorted.get(i + limit)).compareTo(p.window().get()) < 0) {
          return true;
        }
      }
      return false;
    }

    Expected apply(Event e) {
      // Normalise, fold spellings, drop blocked values.
      Set<Identifier> all = new TreeSet<>();
      for (Identifier raw : e.identifiers()) {
        all.add(Identifier.of(raw.type(), norm(raw)));
      }
      List<Identifier> usable = new ArrayList<>();
      List<Identifier> bad = new ArrayList<>();
      int blockedHere = 0;
      for (Identifier id : all) {
        if (isBlocked(id)) {
          blockedHere++;
        } else if (malformed(id)) {
          bad.add(id);
        } else {
          usable.add(id);
        }
      }
      blocked += blockedHere;
      if (usable.isEmpty() && bad.isEmpty()) {
        rejected++;
        return new Expected(IngestResult.Outcome.REJECTED, false, 0, List.of(), Set.of(), blockedHere);
      }
      usable.sort(Comparator.comparingInt((Identifier id) -> -policy(id.type()).priority()).thenComparing(Comparator.naturalOrder()));

      // The group, built in priority order; an owned attach-only identifier waits when a linking
      // identifier of the event is held by another profile.
      List<Integer> profiles = new ArrayList<>();
      Map<Identifier, Instant> group = new HashMap<>();
      int mergedInGroup = 0;
      Map<Identifier, LinkPlan.Rule> refused = new HashMap<>();
      List<Identifier> order = new ArrayList<>();
      List<Identifier> later = new ArrayList<>();
      for (Identifier id : usable) {
        Integer o = owner.get(id);
        boolean waits = o != null && profiles.isEmpty() && !policy(id.type()).links()
            && usable.stream().anyMatch(x -> owner.get(x) != null && !owner.get(x).equals(o) && policy(x.type()).links());
        (waits ? later : order).add(id);
      }
      order.addAll(later);
      // Malformed values come last: they never bring a profile in, unless they are all the event has.
      bad.sort(Comparator.naturalOrder());
      order.addAll(bad);
      for (Identifier id : order) {
        Integer o = owner.get(id);
        if (o != null && profiles.contains(o)) {
          continue;
        }
        if (o == null) {
          Map<Identifier, Instant> with = new HashMap<>(group);
          with.put(id, e.timestamp());
          LinkPlan.Rule rule = broken(with, group, Map.of(id, e.timestamp()));
          if (rule == null) {
            group = with;
          } else {
            refused.put(id, rule);
          }
          continue;
        }
        if (bad.contains(id) && !(profiles.isEmpty() && usable.isEmpty())) {
          refused.put(id, LinkPlan.Rule.MALFORMED_ELSEWHERE);
          continue;
        }
        if (!profiles.isEmpty() && !policy(id.type()).links()) {
          refused.put(id, LinkPlan.Rule.ATTACH_ONLY);
          continue;
        }
        // The merge cap holds a step that merges two profiles; a profile joining the identifiers
        // this event attaches (or starting the group) merges nothing.
        int mergedAfter = mergedInGroup + merged.get(o) + (profiles.isEmpty() ? 0 : 1);
        if (!profiles.isEmpty() && mergedAfter > config.mergeCap()) {
          refused.put(id, LinkPlan.Rule.MERGE_CAP);
          continue;
        }
        Map<Identifier, Instant> with = new HashMap<>(group);
        with.putAll(held.get(o));
        LinkPlan.Rule rule = broken(with, group, held.get(o));
        if (rule == null) {
          profiles.add(o);
          group = with;
          mergedInGroup = mergedAfter;
        } else {
          refused.put(id, rule);
        }
      }
      List<Refused> refusalsHere = new ArrayList<>();
      List<Identifier> inOrder = new ArrayList<>(usable);
      inOrder.addAll(bad);
      for (Identifier id : inOrder) {
        if (refused.containsKey(id)) {
          refusalsHere.add(new Refused(id, refused.get(id)));
        }
      }
      refusals += refusalsHere.size();
      idCapRefusals += refusalsHere.stream().filter(x -> x.rule() == LinkPlan.Rule.IDENTIFIER_CAP).count();
      mergeCapRefusals += refusalsHere.stream().filter(x -> x.rule() == LinkPlan.Rule.MERGE_CAP).count();

      malformedCount += bad.size();
      int key;
      Set<String> evs = new HashSet<>();
      if (profiles.isEmpty()) {
        key = next++;
        created++;
        merged.put(key, mergedInGroup);
      } else {
        key = profiles.get(0);
        for (int p : profiles) {
          evs.addAll(events.remove(p));
          held.remove(p);
          merged.remove(p);
        }
        merged.put(key, mergedInGroup);
        mergedAway += profiles.size() - 1;
      }
      evs.add(e.id());
      events.put(key, evs);
      held.put(key, group);
      group.keySet().forEach(id -> owner.put(id, key));
      return new Expected(IngestResult.Outcome.APPLIED, profiles.isEmpty(), Math.max(0, profiles.size() - 1), refusalsHere,
          Set.copyOf(group.keySet()), blockedHere);
    }

    /** An operator's merge of the profiles holding {@code a} and {@code b}: no rule applies. */
    void force(Identifier a, Identifier b) {
      int ka = owner.get(a);
      int kb = owner.get(b);
      held.get(ka).putAll(held.remove(kb));
      events.get(ka).addAll(events.remove(kb));
      merged.put(ka, merged.get(ka) + merged.remove(kb) + 1);
      held.get(ka).keySet().forEach(id -> owner.put(id, ka));
    }

    /** The partition: each profile's identifiers with its events. */
    Map<Set<Identifier>, Set<String>> partition() {
      Map<Set<Identifier>, Set<String>> out = new HashMap<>();
      held.forEach((k, ids) -> out.put(Set.copyOf(ids.keySet()), Set.copyOf(events.get(k))));
      return out;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers over the public API

  static Clientele clientele(IdentityRules rules) {
    return Clientele.builder().profileIds(Fixtures.sequentialIds()).identityRules(rules).build();
  }

  static Map<Set<Identifier>, Set<String>> partition(Clientele c) {
    Map<Set<Identifier>, Set<String>> out = new HashMap<>();
    for (Profile p : Fixtures.profiles(c)) {
      out.put(Set.copyOf(Fixtures.identifiersOf(p)), Set.copyOf(Fixtures.timelineIds(c, p.id())));
    }
    return out;
  }

  static List<Refused> refusals(IngestResult r) {
    return r.refusals().stream().map(x -> new Refused(x.identifier(), x.rule())).toList();
  }

  /**
   * What holds whatever happened: every profile within the identifier cap, the merge cap and
   * every type's limit (windows by link time), no blocked value held, each identifier owned by
   * the profile holding it.
   */
  static void checkInvariants(Clientele c, Model m, boolean limitsToo, String scenario) {
    for (Profile p : Fixtures.profiles(c)) {
      if (limitsToo) {
        assertThat(p.identifiers().size()).as("identifier cap of %s; %s", p.id(), scenario).isLessThanOrEqualTo(m.config.idCap());
        assertThat(p.mergedFrom().size()).as("merge cap of %s; %s", p.id(), scenario).isLessThanOrEqualTo(m.config.mergeCap());
        for (IdentifierType t : TYPES) {
          IdentifierPolicy policy = m.policy(t);
          if (policy.limit().isPresent()) {
            List<Instant> times = p.identifiers(t).stream().map(IdentifierState::linkedAt).toList();
            assertThat(Model.overLimit(times, policy)).as("limit of %s on %s; %s", t, p.id(), scenario).isFalse();
          }
        }
      }
      for (IdentifierState s : p.identifiers()) {
        assertThat(m.isBlocked(s.identifier())).as("blocked value held by %s; %s", p.id(), scenario).isFalse();
        assertThat(c.profile(s.identifier()).map(Profile::id)).as("owner; %s", scenario).contains(p.id());
      }
    }
  }

  static String describe(Config config, List<Event> events) {
    StringBuilder b = new StringBuilder("config=" + config + "\nevents:\n");
    for (Event e : events) {
      b.append("  ").append(e.id()).append(' ').append(e.timestamp()).append(' ')
          .append(e.identifiers().stream().map(i -> i.type().name() + "=" + i.value()).collect(Collectors.joining(", "))).append('\n');
    }
    return b.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Properties

  /**
   * Properties 1-3 and 6: each event's outcome, created profile, merges, refusals (identifier and
   * rule, lowest priority dropped) and the resolved profile's identifiers equal the model's; the
   * final partition of identifiers and events equals it; the stats count every refusal and
   * blocked value; and the invariants hold after every event. Now and then an operator
   * force-merges two profiles (no rule applies); later events must not be refused for what that
   * merge put over a limit unless they add to it.
   */
  @Property(tries = 250)
  void ingest_matchesTheModel_underRandomRules(@ForAll long seed) {
    Random r = new Random(seed);
    Config config = randomConfig(r);
    List<Event> events = randomHistory(r, 4 + r.nextInt(12));
    String scenario = describe(config, events);
    Clientele c = clientele(config.rules());
    Model m = new Model(config);
    boolean forced = false;
    long problemLines = 0;
    for (Event e : events) {
      Expected x = m.apply(e);
      IngestResult got = c.ingest(e);
      problemLines += got.problems().size();
      assertThat(got.outcome()).as("outcome of %s; %s", e.id(), scenario).isEqualTo(x.outcome());
      assertThat(refusals(got)).as("refusals of %s; %s", e.id(), scenario).isEqualTo(x.refusals());
      if (x.outcome() == IngestResult.Outcome.APPLIED) {
        assertThat(got.createdProfile()).as("created by %s; %s", e.id(), scenario).isEqualTo(x.created());
        assertThat(got.mergedProfiles()).as("merged by %s; %s", e.id(), scenario).hasSize(x.merged());
        Profile p = c.profile(got.profile().orElseThrow()).orElseThrow();
        assertThat(Fixtures.identifiersOf(p)).as("profile of %s; %s", e.id(), scenario).isEqualTo(x.holds());
        // Every refusal is a problem line naming its rule, without the value.
        for (LinkPlan.Refusal refusal : got.refusals()) {
          String rule = refusal.rule().name().toLowerCase(Locale.ROOT);
          assertThat(got.problems()).as("problem line of a refusal; %s", scenario).anyMatch(l -> l.contains(rule));
          assertThat(got.problems()).as("no value in problem lines; %s", scenario)
              .noneMatch(l -> l.contains(refusal.identifier().value()) && refusal.identifier().value().length() > 2
                  && !refusal.identifier().type().name().contains(refusal.identifier().value()));
        }
      }
      checkInvariants(c, m, !forced, scenario);
      List<Profile> profiles = Fixtures.profiles(c);
      if (r.nextInt(6) == 0 && profiles.size() >= 2) {
        Profile a = profiles.get(r.nextInt(profiles.size()));
        Profile b = profiles.get(r.nextInt(profiles.size()));
        if (!a.id().equals(b.id())) {
          c.merge(a.id(), b.id(), "operator");
          m.force(a.identifiers().get(0).identifier(), b.identifiers().get(0).identifier());
          scenario += "after " + e.id() + ": forced merge of " + Fixtures.identifiersOf(a) + " and " + Fixtures.identifiersOf(b) + "\n";
          forced = true;
        }
      }
    }
    assertThat(partition(c)).as("partition; %s", scenario).isEqualTo(m.partition());
    net.jqwik.api.statistics.Statistics.label("merged").collect(m.mergedAway > 0);
    net.jqwik.api.statistics.Statistics.label("refused").collect(m.refusals > 0);
    net.jqwik.api.statistics.Statistics.label("capRefused").collect(m.idCapRefusals + m.mergeCapRefusals > 0);
    IngestStats s = c.stats();
    assertThat(s.linksRefused()).as("linksRefused; %s", scenario).isEqualTo(m.refusals);
    assertThat(s.details().identifierCapRefusals()).as("identifier cap refusals; %s", scenario).isEqualTo(m.idCapRefusals);
    assertThat(s.details().mergeCapRefusals()).as("merge cap refusals; %s", scenario).isEqualTo(m.mergeCapRefusals);
    assertThat(s.details().blockedIdentifiers()).as("blocked; %s", scenario).isEqualTo(m.blocked);
    assertThat(s.profilesCreated()).as("created; %s", scenario).isEqualTo(m.created);
    assertThat(s.profilesMerged()).as("merged; %s", scenario).isEqualTo(m.mergedAway);
    assertThat(s.rejected()).as("rejected; %s", scenario).isEqualTo(m.rejected);
    assertThat(s.details().malformedIdentifiers()).as("malformed; %s", scenario).isEqualTo(m.malformedCount);
    assertThat(s.problems()).as("problems; %s", scenario).isGreaterThanOrEqualTo(m.refusals + m.blocked)
        .isEqualTo(problemLines);
  }

  /**
   * Property 4: {@code ingestAll} gives the same results (outcome, profile, merges, refusals,
   * problems), partition and counts as the {@code ingest} loop, under the same random rules.
   */
  @Property(tries = 120)
  void ingestAll_equalsTheIngestLoop_underRandomRules(@ForAll long seed) {
    Random r = new Random(seed);
    Config config = randomConfig(r);
    List<Event> events = randomHistory(r, 4 + r.nextInt(12));
    String scenario = describe(config, events);
    Clientele one = clientele(config.rules());
    List<IngestResult> loop = events.stream().map(one::ingest).toList();
    Clientele all = Clientele.builder().profileIds(Fixtures.sequentialIds()).identityRules(config.rules())
        .ingestBatchSize(1 + r.nextInt(5)).build();
    List<IngestResult> batch = new ArrayList<>();
    IngestStats stats = all.ingestAll(events, batch::add);

    assertThat(batch).as("results; %s", scenario).isEqualTo(loop);
    assertThat(partition(all)).as("partition; %s", scenario).isEqualTo(partition(one));
    IngestStats s = one.stats();
    assertThat(List.of(stats.received(), stats.applied(), stats.rejected(), stats.problems(), stats.profilesCreated(),
        stats.profilesMerged(), stats.linksRefused(), stats.details().blockedIdentifiers(), stats.details().identifierCapRefusals(),
        stats.details().mergeCapRefusals()))
        .as("counts; %s", scenario)
        .isEqualTo(List.of(s.received(), s.applied(), s.rejected(), s.problems(), s.profilesCreated(), s.profilesMerged(),
            s.linksRefused(), s.details().blockedIdentifiers(), s.details().identifierCapRefusals(), s.details().mergeCapRefusals()));
  }

  /**
   * Properties 1, 3 and 6 with operators: random ingestion, manual merges and splits. Limits, caps
   * and unique types hold on every profile until the first forced merge (the one thing allowed to
   * exceed them, logged as {@link MergeRecord.Kind#FORCED_MERGE} with its reason); after it, no
   * automatic step or split makes a profile over a limit or cap worse (what is over it was all on
   * one profile before the step); blocked values are held by nobody and each identifier has one
   * owner throughout.
   */
  @Property(tries = 120)
  void mergesAndSplits_keepTheLimits_underRandomRules(@ForAll long seed) {
    Random r = new Random(seed);
    Config config = randomConfig(r);
    List<Event> events = randomHistory(r, 6 + r.nextInt(10));
    StringBuilder scenario = new StringBuilder(describe(config, events)).append("ops:\n");
    Clientele c = clientele(config.rules());
    Model m = new Model(config); // only for its reading of limits and blocked values
    boolean forced = false;
    for (Event e : events) {
      List<Profile> before = Fixtures.profiles(c);
      c.ingest(e);
      scenario.append("  ingest ").append(e.id()).append('\n');
      checkNotWorse(before, Fixtures.profiles(c), m, scenario.toString());
      int op = r.nextInt(5);
      List<Profile> profiles = Fixtures.profiles(c);
      if (op == 0 && profiles.size() >= 2) {
        Profile a = profiles.get(r.nextInt(profiles.size()));
        Profile b = profiles.get(r.nextInt(profiles.size()));
        if (!a.id().equals(b.id())) {
          Profile merged = c.merge(a.id(), b.id(), "operator says same person");
          scenario.append("  merge ").append(a.id()).append(' ').append(b.id()).append('\n');
          forced = true;
          assertThat(c.mergeLog(merged.id())).as("%s", scenario)
              .anyMatch(x -> x.kind() == MergeRecord.Kind.FORCED_MERGE && x.note().contains("operator says same person"));
        }
      } else if (op == 1 || op == 2) {
        List<MergeRecord> records = profiles.stream().flatMap(p -> c.mergeLog(p.id()).stream())
            .filter(x -> x.kind() != MergeRecord.Kind.SPLIT).distinct().toList();
        if (!records.isEmpty()) {
          MergeRecord record = records.get(r.nextInt(records.size()));
          try {
            c.split(record.id(), "wrong merge");
            scenario.append("  split ").append(record.id()).append('\n');
          } catch (IllegalStateException cannot) {
            scenario.append("  split refused ").append(record.id()).append('\n');
          }
          checkNotWorse(profiles, Fixtures.profiles(c), m, scenario.toString());
        }
      }
      checkInvariants(c, m, !forced, scenario.toString());
    }
  }

  /**
   * After an automatic step or a split: every profile over the identifier cap, the merge cap or a
   * type's limit holds no more of it than one profile held before the step (the identifiers, the
   * merged ids, the values of that type are a subset of one earlier profile's).
   */
  static void checkNotWorse(List<Profile> before, List<Profile> after, Model m, String scenario) {
    for (Profile p : after) {
      Set<Identifier> ids = Fixtures.identifiersOf(p);
      if (ids.size() > m.config.idCap()) {
        assertThat(before).as("over the identifier cap, made worse: %s; %s", p.id(), scenario)
            .anyMatch(q -> Fixtures.identifiersOf(q).containsAll(ids));
      }
      if (p.mergedFrom().size() > m.config.mergeCap()) {
        assertThat(before).as("over the merge cap, made worse: %s; %s", p.id(), scenario)
            .anyMatch(q -> q.mergedFrom().containsAll(p.mergedFrom()));
      }
      for (IdentifierType t : TYPES) {
        IdentifierPolicy policy = m.policy(t);
        List<IdentifierState> held = p.identifiers(t);
        if (policy.limit().isPresent() && Model.overLimit(held.stream().map(IdentifierState::linkedAt).toList(), policy)) {
          Set<Identifier> values = held.stream().map(IdentifierState::identifier).collect(Collectors.toSet());
          assertThat(before).as("over the limit of %s, made worse: %s; %s", t, p.id(), scenario)
              .anyMatch(q -> q.identifiers(t).stream().map(IdentifierState::identifier).collect(Collectors.toSet()).containsAll(values));
        }
      }
    }
  }

  /**
   * Property 1 under concurrency: two threads ingest halves of a random history under random
   * rules. Which identifier is refused may differ from a single-threaded run (with limits the
   * order matters), but every invariant holds, every applied event is on exactly one timeline,
   * and every refusal is counted.
   */
  @Property(tries = 40)
  void concurrentIngestion_keepsTheLimits_underRandomRules(@ForAll long seed) throws Exception {
    Random r = new Random(seed);
    Config config = randomConfig(r);
    List<Event> events = randomHistory(r, 10 + r.nextInt(20));
    String scenario = describe(config, events);
    Clientele c = clientele(config.rules());
    List<IngestResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      int half = t;
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = half; i < events.size(); i += 2) {
          results.add(c.ingest(events.get(i)));
        }
      });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join(20_000);
    }
    assertThat(results).as("every event ingested; %s", scenario).hasSize(events.size());
    checkInvariants(c, new Model(config), true, scenario);
    Set<String> applied = results.stream().filter(x -> x.outcome() == IngestResult.Outcome.APPLIED).map(IngestResult::eventId)
        .collect(Collectors.toSet());
    List<String> onTimelines = new ArrayList<>();
    Fixtures.profiles(c).forEach(p -> onTimelines.addAll(Fixtures.timelineIds(c, p.id())));
    assertThat(onTimelines).as("each applied event on one timeline; %s", scenario).doesNotHaveDuplicates();
    assertThat(Set.copyOf(onTimelines)).as("no event lost; %s", scenario).isEqualTo(applied);
    assertThat(c.stats().linksRefused()).as("refusals counted; %s", scenario)
        .isEqualTo(results.stream().mapToLong(x -> x.refusals().size()).sum());
    assertThat(c.stats().problems()).as("problem lines counted; %s", scenario)
        .isEqualTo(results.stream().mapToLong(x -> x.problems().size()).sum());
  }

  /** Unique types never hold two values without a forced merge; seen by the invariants too, stated here on its own. */
  @Property(tries = 60)
  void uniqueTypes_neverMergeTwoValuesAutomatically(@ForAll long seed) {
    Random r = new Random(seed);
    Config config = randomConfig(r);
    List<Event> events = randomHistory(r, 6 + r.nextInt(10));
    Clientele c = clientele(config.rules());
    events.forEach(c::ingest);
    for (Profile p : Fixtures.profiles(c)) {
      for (IdentifierType t : TYPES) {
        if (config.policies().get(t).unique()) {
          assertThat(p.identifiers(t)).as("%s", describe(config, events)).hasSizeLessThanOrEqualTo(1);
        }
      }
    }
    Set<ProfileId> seen = new HashSet<>();
    Fixtures.profiles(c).forEach(p -> assertThat(seen.add(p.id())).isTrue());
  }
}
