package dev.clientele.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import com.google.common.collect.ImmutableSortedSet;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * One person: identifiers, attributes, lists, tags, activity and orders.
 *
 * <p>Immutable and safe to share between threads. Identifiers and attributes are held as sorted
 * arrays; the lists and maps that {@link #identifiers()} and {@link #attributes()} return are
 * made on first read (ingestion, which builds a new profile per event, never reads them).
 * A profile is changed by building a new one with {@link #toBuilder()}; storage
 * backends use {@link #version()} for optimistic concurrency (see
 * {@link dev.clientele.core.spi.Storage#commit}). The events of a profile are not held here:
 * they stay keyed by their identifiers in the event store and reach the profile through the
 * identifier index (see {@link dev.clientele.core.spi.EventStore}).
 *
 * <pre>{@code
 * Profile p = clientele.profile(Identifier.of(IdentifierType.EMAIL, "ann@example.com")).orElseThrow();
 * p.attribute("first_name").map(Attribute::text);   // Optional[Ann]
 * p.lastSeen(IdentifierType.EMAIL);                  // the email shown and messaged
 * }</pre>
 */
public final class Profile {
  /**
   * The most attributes ingestion gives one profile (1,000). An observation of a new attribute
   * name beyond it is not kept, and the event records why (an ingest problem): a profile is read
   * and written whole on every event, so one client inventing thousands of names would slow every
   * later event of that person. Merges keep both sides' attributes, so a merged profile may hold
   * more.
   */
  public static final int MAX_ATTRIBUTES = 1_000;

  /**
   * The most list subscriptions ingestion gives one profile (1,000). A {@code subscribe} to a list
   * the profile is not subscribed to, beyond it, is not applied, and the event records why (an
   * ingest problem); a subscribed list still changes, and an {@code unsubscribe} from a list the
   * profile is not on is still recorded up to twice as many lists (so that a later merge with a
   * profile subscribed to that list keeps the opt-out), refused past that by ingestion but never
   * by a split's replay of stored events. List names come from event data
   * ({@code data.list}), and the lists are copied when one is added and written whole with the
   * profile (a JDBC backend encodes them on every event), so, as with {@link #MAX_ATTRIBUTES},
   * one client inventing names must not slow every later event of that person. Merges keep both
   * sides' lists, so a merged profile may hold more.
   */
  public static final int MAX_LISTS = 1_000;

  private static final Comparator<IdentifierState> LAST_SEEN_ORDER =
      Comparator.comparing((IdentifierState s) -> s.lastSeen().orElse(Instant.MIN))
          .thenComparing(IdentifierState::identifier);

  private final ProfileId id;
  private final long version;
  private final Instant createdAt;
  private final Instant updatedAt;
  private final Optional<Instant> firstActive;
  private final Optional<Instant> lastActive;
  /**
   * An upper bound of {@link #boundSeconds} over created-at, updated-at and the activity span: an
   * event time with more seconds is after all of them, which {@link Builder#seeEvent} decides
   * without reading them (another object each, likely not in cache when ingestion builds the next
   * version). Not part of the value: a bound, not always the least one.
   */
  private final int timeBound;
  /** The identifiers sorted by identifier; never changed once built (a builder copies before changing). */
  private final IdentifierState[] identifierArray;
  /**
   * Per identifier of {@link #identifierArray}, in the same order: its key ({@link IdentifierKeys}),
   * so that lookups and type counts read this one small array instead of the states' object
   * graphs. Never changed once built; shared by the versions built from this one until an
   * identifier is added or removed.
   */
  private final int[] identifierKeys;
  /** {@link #identifierArray} as a list, made on first read; published like {@link #attributes}. */
  private ImmutableList<IdentifierState> identifiers;
  /** The attributes sorted by name; never changed once built (a builder copies before changing). */
  private final Attribute[] attributeArray;
  /**
   * {@link #attributeArray} as a map, built on first read (ingestion never reads it). Published
   * without a lock: an immutable Guava map is safe to share that way, and two threads reading at
   * once at worst each build an equal map.
   */
  private ImmutableSortedMap<String, Attribute> attributes;
  private final OrderSummary orders;
  private final long eventCount;
  /** The lists, tags, CCPA times and merged-from ids: see {@link Extras}. */
  private final Extras extras;

  /**
   * The parts most profiles have empty, in one object: list subscriptions, tags, the CCPA times
   * and the merged-from ids. Five fields of every profile version were 20 bytes of each version
   * ingestion builds (with the rest, 96 bytes a version; 80 now): the versions with none of them
   * share {@link #NONE}, and a version whose builder left them as they were shares its base
   * version's object. Immutable.
   */
  private static final class Extras {
    /** No lists, tags, CCPA times or merged-from ids: the very objects a new profile's builder starts from. */
    static final Extras NONE = new Extras(
        ImmutableSortedMap.of(), ImmutableSortedSet.of(), Optional.empty(), Optional.empty(), ImmutableSortedSet.of());

    final ImmutableSortedMap<String, ListSubscription> lists;
    final ImmutableSortedSet<String> tags;
    final Optional<Instant> ccpaOptOutAt;
    final Optional<Instant> ccpaOptInAt;
    final ImmutableSortedSet<ProfileId> mergedFrom;

    private Extras(
        ImmutableSortedMap<String, ListSubscription> lists,
        ImmutableSortedSet<String> tags,
        Optional<Instant> ccpaOptOutAt,
        Optional<Instant> ccpaOptInAt,
        ImmutableSortedSet<ProfileId> mergedFrom) {
      this.lists = lists;
      this.tags = tags;
      this.ccpaOptOutAt = ccpaOptOutAt;
      this.ccpaOptInAt = ccpaOptInAt;
      this.mergedFrom = mergedFrom;
    }

    /**
     * Extras holding these very objects: {@code base} or {@link #NONE} when one of them does
     * (compared by reference, so what a reader gets is always the object the builder had), else
     * a new one.
     */
    static Extras of(
        Extras base,
        ImmutableSortedMap<String, ListSubscription> lists,
        ImmutableSortedSet<String> tags,
        Optional<Instant> ccpaOptOutAt,
        Optional<Instant> ccpaOptInAt,
        ImmutableSortedSet<ProfileId> mergedFrom) {
      if (base.holds(lists, tags, ccpaOptOutAt, ccpaOptInAt, mergedFrom)) {
        return base;
      }
      if (NONE.holds(lists, tags, ccpaOptOutAt, ccpaOptInAt, mergedFrom)) {
        return NONE;
      }
      return new Extras(lists, tags, ccpaOptOutAt, ccpaOptInAt, mergedFrom);
    }

    private boolean holds(
        ImmutableSortedMap<String, ListSubscription> l,
        ImmutableSortedSet<String> t,
        Optional<Instant> out,
        Optional<Instant> in,
        ImmutableSortedSet<ProfileId> m) {
      return lists == l && tags == t && ccpaOptOutAt == out && ccpaOptInAt == in && mergedFrom == m;
    }
  }

  private Profile(Builder b) {
    this.id = requireNonNull(b.id, "id");
    checkArgument(b.version >= 0, "version must be >= 0: %s", b.version);
    this.version = b.version;
    this.createdAt = requireNonNull(b.createdAt, "createdAt");
    this.updatedAt = requireNonNull(b.updatedAt, "updatedAt");
    this.firstActive = requireNonNull(b.firstActive, "firstActive");
    this.lastActive = requireNonNull(b.lastActive, "lastActive");
    // Builder.activity checks that both are present or both empty, and seeActivity keeps it so:
    // not checked again here, which would read both (old) Optionals per built version.
    assert firstActive.isPresent() == lastActive.isPresent() : "firstActive and lastActive are set together";
    this.timeBound = b.timeBound;
    assert timeBound >= boundSeconds(createdAt) && timeBound >= boundSeconds(updatedAt)
        && timeBound >= firstActive.map(Profile::boundSeconds).orElse(Integer.MIN_VALUE)
        && timeBound >= lastActive.map(Profile::boundSeconds).orElse(Integer.MIN_VALUE) : "time bound too low";
    this.identifierArray = b.builtIdentifiers();
    this.identifierKeys = b.builtKeys();
    assert java.util.Arrays.equals(identifierKeys, IdentifierKeys.of(identifierArray)) : "identifier keys out of step";
    this.attributeArray = b.builtAttributes();
    ImmutableSortedMap<String, ListSubscription> lists = b.lists == null ? b.listsBase : b.lists.build();
    ImmutableSortedSet<String> tags = b.builtTags();
    this.orders = requireNonNull(b.orders, "orders");
    Optional<Instant> ccpaOptOutAt = requireNonNull(b.ccpaOptOutAt, "ccpaOptOutAt");
    Optional<Instant> ccpaOptInAt = requireNonNull(b.ccpaOptInAt, "ccpaOptInAt");
    checkArgument(b.eventCount >= 0, "eventCount must be >= 0: %s", b.eventCount);
    this.eventCount = b.eventCount;
    ImmutableSortedSet<ProfileId> mergedFrom = b.builtMergedFrom();
    this.extras = Extras.of(b.baseExtras, lists, tags, ccpaOptOutAt, ccpaOptInAt, mergedFrom);
    // Every attribute is keyed by its own name: the builder only ever puts value.name() -> value.
  }

  /** A builder for a new profile with the given id, created at {@code createdAt}. */
  public static Builder builder(ProfileId id, Instant createdAt) {
    return new Builder(id, createdAt);
  }

  /** A builder holding this profile's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The stable opaque id. */
  public ProfileId id() {
    return id;
  }

  /**
   * The storage version: 0 before the first commit, then raised by each commit, by one for an
   * update; a merge gives the survivor more than the versions of all the profiles it joins, and
   * a split restores a profile above the version of the one it is split from, so that an id never
   * holds a version again that it held before (see {@link dev.clientele.core.spi.Commit.ProfileWrite}).
   */
  public long version() {
    return version;
  }

  /** When the profile began: the time of its earliest event. */
  public Instant createdAt() {
    return createdAt;
  }

  /** The time of the latest event applied to it; merges keep the id of the latest-updated side. */
  public Instant updatedAt() {
    return updatedAt;
  }

  /** The time of the first active event; empty if it had none. */
  public Optional<Instant> firstActive() {
    return firstActive;
  }

  /** The time of the last active event; empty if it had none. */
  public Optional<Instant> lastActive() {
    return lastActive;
  }

  /** All identifiers, sorted by type then value: an unmodifiable list. */
  public List<IdentifierState> identifiers() {
    ImmutableList<IdentifierState> list = identifiers;
    if (list == null) {
      list = ImmutableList.copyOf(identifierArray);
      identifiers = list;
    }
    return list;
  }

  /**
   * The identifiers of one type, sorted by value: an unmodifiable list. A {@code null} type
   * matches no identifier: the list is empty.
   */
  public List<IdentifierState> identifiers(IdentifierType type) {
    if (type == null) {
      return ImmutableList.of(); // as the filter this replaced: no type equals null
    }
    int code = IdentifierKeys.typeCode(type);
    ImmutableList.Builder<IdentifierState> b = ImmutableList.builder();
    for (int i = 0; i < identifierArray.length; i++) {
      if (IdentifierKeys.isOfType(identifierArray, identifierKeys, i, type, code)) {
        b.add(identifierArray[i]);
      }
    }
    return b.build();
  }

  /**
   * The number of identifiers of one type: {@code identifiers(type).size()} (so 0 for a {@code
   * null} type), without making the
   * list and, for the built-in types, without reading the identifiers themselves.
   */
  public int identifierCount(IdentifierType type) {
    if (type == null) {
      return 0; // as identifiers(null) and lastSeen(null): no identifier is of no type
    }
    return IdentifierKeys.count(identifierArray, identifierKeys, type);
  }

  /** The state of one identifier, if this profile holds it; empty for {@code null}. */
  public Optional<IdentifierState> identifier(Identifier identifier) {
    if (identifier == null) {
      return Optional.empty(); // as the linear search this replaced: nothing equals null
    }
    int i = IdentifierKeys.indexOf(identifierArray, identifierKeys, identifier);
    return i >= 0 ? Optional.of(identifierArray[i]) : Optional.empty();
  }

  /**
   * The identifier of {@code type} most recently seen in an active event: the email shown, and
   * for email and phone the only one that may receive messages. Identifiers never seen in an
   * active event come last; ties go to the greater value, so the answer is deterministic. Empty
   * for a {@code null} type.
   */
  public Optional<IdentifierState> lastSeen(IdentifierType type) {
    IdentifierState best = null;
    if (type == null) {
      return Optional.empty(); // as the filter this replaced: no type equals null
    }
    int code = IdentifierKeys.typeCode(type);
    for (int i = 0; i < identifierArray.length; i++) {
      IdentifierState s = identifierArray[i];
      if (IdentifierKeys.isOfType(identifierArray, identifierKeys, i, type, code)
          && (best == null || LAST_SEEN_ORDER.compare(s, best) > 0)) {
        best = s;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Whether the profile holds only anonymous identifiers. */
  public boolean isAnonymous() {
    int code = IdentifierKeys.typeCode(IdentifierType.ANONYMOUS_ID);
    for (int k = 0; k < identifierKeys.length; k++) {
      if ((identifierKeys[k] & IdentifierKeys.CODE_MASK) != code) {
        return false;
      }
    }
    return true;
  }

  /** Attributes by name: an unmodifiable map, iterated in name order. */
  public SortedMap<String, Attribute> attributes() {
    ImmutableSortedMap<String, Attribute> map = attributes;
    if (map == null) {
      map = asMap(attributeArray);
      attributes = map;
    }
    return map;
  }

  /** One attribute, if set; empty for a {@code null} name. */
  public Optional<Attribute> attribute(String name) {
    int i = indexOf(attributeArray, name);
    return i >= 0 ? Optional.of(attributeArray[i]) : Optional.empty();
  }

  /**
   * Names of the attributes with a non-empty value (the profile's <em>known</em> fields): an
   * unmodifiable set, iterated in name order.
   */
  public SortedSet<String> knownFields() {
    return java.util.Arrays.stream(attributeArray)
        .filter(Attribute::isKnown)
        .map(Attribute::name)
        .collect(ImmutableSortedSet.toImmutableSortedSet(Comparator.naturalOrder()));
  }

  /** "First Last" from the name attributes, or empty when neither is known. */
  public Optional<String> displayName() {
    String first = attribute(Attribute.FIRST_NAME).filter(Attribute::isKnown).map(Attribute::text).orElse("");
    String last = attribute(Attribute.LAST_NAME).filter(Attribute::isKnown).map(Attribute::text).orElse("");
    String name = (first + " " + last).strip();
    return name.isEmpty() ? Optional.empty() : Optional.of(name);
  }

  /**
   * A deterministic seed for drawing an identicon, present when the profile has no image URL:
   * 8 hex digits derived from the id, so the picture stays the same across sessions and merges
   * that keep the id.
   */
  public Optional<String> identiconSeed() {
    if (attribute(Attribute.IMAGE_URL).filter(Attribute::isKnown).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(Hashing.murmur3_32_fixed().hashString(id.value(), StandardCharsets.UTF_8).toString());
  }

  /** List subscriptions by list name: an unmodifiable map, iterated in name order. */
  public SortedMap<String, ListSubscription> lists() {
    return extras.lists;
  }

  /** Tags such as {@code favourite}: an unmodifiable set, iterated in natural order. */
  public SortedSet<String> tags() {
    return extras.tags;
  }

  /** The orders in summary (historic value). */
  public OrderSummary orders() {
    return orders;
  }

  /** When the customer last opted out under CCPA; empty if never. */
  public Optional<Instant> ccpaOptOutAt() {
    return extras.ccpaOptOutAt;
  }

  /** When the customer last opted back in under CCPA; empty if never. */
  public Optional<Instant> ccpaOptInAt() {
    return extras.ccpaOptInAt;
  }

  /** Whether a CCPA opt-out is in force: the latest CCPA change was an opt-out (opt-out wins ties). */
  public boolean isCcpaOptedOut() {
    Optional<Instant> ccpaOptOutAt = extras.ccpaOptOutAt;
    Optional<Instant> ccpaOptInAt = extras.ccpaOptInAt;
    return ccpaOptOutAt.isPresent()
        && (ccpaOptInAt.isEmpty() || !ccpaOptInAt.get().isAfter(ccpaOptOutAt.get()));
  }

  /** How many events were applied to this profile and the profiles merged into it. */
  public long eventCount() {
    return eventCount;
  }

  /**
   * Ids of the profiles merged into this one, directly or through earlier merges: an
   * unmodifiable set, iterated in id order.
   */
  public SortedSet<ProfileId> mergedFrom() {
    return extras.mergedFrom;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Profile p
        && id.equals(p.id)
        && version == p.version
        && createdAt.equals(p.createdAt)
        && updatedAt.equals(p.updatedAt)
        && firstActive.equals(p.firstActive)
        && lastActive.equals(p.lastActive)
        && java.util.Arrays.equals(identifierArray, p.identifierArray)
        && java.util.Arrays.equals(attributeArray, p.attributeArray)
        && extras.lists.equals(p.extras.lists)
        && extras.tags.equals(p.extras.tags)
        && orders.equals(p.orders)
        && extras.ccpaOptOutAt.equals(p.extras.ccpaOptOutAt)
        && extras.ccpaOptInAt.equals(p.extras.ccpaOptInAt)
        && eventCount == p.eventCount
        && extras.mergedFrom.equals(p.extras.mergedFrom);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        id, version, updatedAt, java.util.Arrays.hashCode(identifierArray), java.util.Arrays.hashCode(attributeArray), eventCount);
  }

  /** Returns the id, version and counts; no personal data. */
  @Override
  public String toString() {
    return "Profile{" + id + " v" + version + ", " + identifierArray.length + " identifiers, "
        + attributeArray.length + " attributes, " + eventCount + " events}";
  }

  /**
   * {@code t}'s epoch second relative to 2038-01-19, clamped to an int: never smaller for a later
   * time, so of two times the one with the greater value is the later.
   */
  static int boundSeconds(Instant t) {
    long s = t.getEpochSecond() - (1L << 31);
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, s));
  }

  /** The time bound, for tests. */
  int timeBound() {
    return timeBound;
  }

  private static final Attribute[] NO_ATTRIBUTES = new Attribute[0];
  private static final IdentifierState[] NO_IDENTIFIERS = new IdentifierState[0];

  /** Index of the attribute named {@code name} in {@code sorted}, or {@code -(insertion point) - 1}. */
  private static int indexOf(Attribute[] sorted, Object name) {
    if (!(name instanceof String key)) {
      return -1;
    }
    int lo = 0;
    int hi = sorted.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      String held = sorted[mid].name();
      // The same instance is the usual hit (a name constant such as LAST_DEVICE set again): no compare of the bytes.
      int c = held == key ? 0 : held.compareTo(key);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  private static ImmutableSortedMap<String, Attribute> asMap(Attribute[] sorted) {
    if (sorted.length == 0) {
      return ImmutableSortedMap.of();
    }
    ImmutableSortedMap.Builder<String, Attribute> b = ImmutableSortedMap.naturalOrder();
    for (Attribute a : sorted) {
      b.put(a.name(), a);
    }
    return b.buildOrThrow();
  }

  /**
   * Builds a {@link Profile}; not thread-safe.
   *
   * <p>A builder made by {@link Profile#toBuilder()} shares the profile's immutable arrays and
   * collections and copies one only when it is changed (copy on write), so an update that
   * touches, say, one identifier and one attribute clones those two small arrays and does not
   * copy lists, tags or merge history. A built profile owns what it was built from: a change
   * after {@link #build()} copies again. The views returned
   * by the builder's readers are unmodifiable and always show the builder's current state.
   */
  public static final class Builder {
    private ProfileId id;
    private long version;
    private Instant createdAt;
    private Instant updatedAt;
    private Optional<Instant> firstActive;
    private Optional<Instant> lastActive;
    /** See {@link Profile#timeBound}: raised by every setter of a time, never lowered. */
    private int timeBound;
    /** Sorted by identifier; the profile's own array until the first change (see {@link #ownIdentifiers}). */
    private IdentifierState[] identifiers;
    /**
     * The {@link IdentifierKeys} of {@link #identifiers}: depends on the identifiers only, so it
     * is replaced (never changed in place) when one is added or removed, and otherwise shared.
     */
    private int[] keys;
    private boolean identifiersCopied;
    private List<IdentifierState> identifiersView;
    /** Sorted by name; the profile's own array until the first change (see {@link #ownAttributes}). */
    private Attribute[] attributes;
    private boolean attributesCopied;
    /** The view's map of {@link #attributes}, built when the view is read; dropped on a change. */
    private ImmutableSortedMap<String, Attribute> attributesMap;
    private SortedMap<String, Attribute> attributesView;
    /** The profile's lists, until they are read or changed through {@link #lists}, made on first use. */
    private ImmutableSortedMap<String, ListSubscription> listsBase;
    private CopyOnWriteSortedMap<ListSubscription> lists;
    private SortedSet<String> tags;
    private boolean tagsCopied;
    private SortedSet<String> tagsView;
    private OrderSummary orders;
    private Optional<Instant> ccpaOptOutAt;
    private Optional<Instant> ccpaOptInAt;
    private long eventCount;
    private SortedSet<ProfileId> mergedFrom;
    private boolean mergedFromCopied;
    /** The extras of the profile this builder started from ({@link Extras#NONE} for a new one): shared by the next version if it keeps them. */
    private Extras baseExtras;
    /**
     * {@code Optional.of(seenAt)}, made on first need: the sightings and the activity span of one
     * event all move to its time, and share one {@code Optional} for it.
     */
    private Instant seenAt;
    private Optional<Instant> seenAtPresent;

    private Builder(ProfileId id, Instant createdAt) {
      start(id, createdAt);
    }

    private Builder(Profile p) {
      start(p);
    }

    /** Holds a new profile's values: what {@link Profile#builder} starts from. */
    private void start(ProfileId id, Instant createdAt) {
      // Both checked before anything changes: a reset that throws leaves the builder as it was.
      requireNonNull(id, "id");
      requireNonNull(createdAt, "createdAt");
      this.id = id;
      this.version = 0;
      this.createdAt = createdAt;
      this.updatedAt = createdAt;
      this.firstActive = Optional.empty();
      this.lastActive = Optional.empty();
      this.timeBound = boundSeconds(createdAt);
      this.identifiers = NO_IDENTIFIERS;
      this.keys = IdentifierKeys.NONE;
      this.attributes = NO_ATTRIBUTES;
      this.baseExtras = Extras.NONE;
      this.listsBase = Extras.NONE.lists;
      this.tags = Extras.NONE.tags;
      this.orders = OrderSummary.NONE;
      this.ccpaOptOutAt = Extras.NONE.ccpaOptOutAt;
      this.ccpaOptInAt = Extras.NONE.ccpaOptInAt;
      this.eventCount = 0;
      this.mergedFrom = Extras.NONE.mergedFrom;
      forgetCopies();
    }

    /** Holds {@code p}'s values, sharing its arrays and collections: what {@link Profile#toBuilder} starts from. */
    private void start(Profile p) {
      this.id = p.id;
      this.version = p.version;
      this.createdAt = p.createdAt;
      this.updatedAt = p.updatedAt;
      this.firstActive = p.firstActive;
      this.lastActive = p.lastActive;
      this.timeBound = p.timeBound;
      this.identifiers = p.identifierArray;
      this.keys = p.identifierKeys;
      this.attributes = p.attributeArray;
      this.baseExtras = p.extras;
      this.listsBase = p.extras.lists;
      this.tags = p.extras.tags;
      this.orders = p.orders;
      this.ccpaOptOutAt = p.extras.ccpaOptOutAt;
      this.ccpaOptInAt = p.extras.ccpaOptInAt;
      this.eventCount = p.eventCount;
      this.mergedFrom = p.extras.mergedFrom;
      forgetCopies();
    }

    /**
     * Marks every array and collection as not this builder's own (the next change copies it) and
     * drops what was derived from the previous values. The views stay: they read the fields.
     */
    private void forgetCopies() {
      identifiersCopied = false;
      attributesCopied = false;
      attributesMap = null;
      lists = null;
      tagsCopied = false;
      mergedFromCopied = false;
    }

    /**
     * Makes this builder hold {@code profile}'s values, dropping everything it held: afterwards it
     * is the builder {@code profile.toBuilder()} would be, without making one. For a loop that
     * builds a new version of one profile after another (as ingestion does, one per event), so
     * that it needs one builder, not one per version. Profiles built earlier from this builder
     * are not affected (a built profile owns what it was built from); the views its readers
     * returned for {@link #identifiers()}, {@link #attributes()} and {@link #tags()} show the new
     * values, a view returned by {@link #lists()} before the reset must not be used after it.
     *
     * <pre>{@code
     * Profile.Builder b = first.toBuilder();
     * Profile next = b.eventCount(first.eventCount() + 1).build();
     * Profile other = b.reset(second).eventCount(second.eventCount() + 1).build();
     * }</pre>
     *
     * @return this builder
     */
    public Builder reset(Profile profile) {
      start(requireNonNull(profile, "profile"));
      return this;
    }

    /**
     * Makes this builder hold a new profile with the given id, created at {@code createdAt},
     * dropping everything it held: afterwards it is the builder {@code Profile.builder(id,
     * createdAt)} would be, without making one. See {@link #reset(Profile)}.
     *
     * @return this builder
     */
    public Builder reset(ProfileId id, Instant createdAt) {
      start(id, createdAt);
      return this;
    }

    IdentifierState[] builtIdentifiers() {
      // Kept sorted by identifier on every change, so no sort is needed here.
      identifiersCopied = false; // the profile owns the array now: a later change copies it again
      return identifiers;
    }

    int[] builtKeys() {
      return keys; // never changed in place: the profile may share it
    }

    Attribute[] builtAttributes() {
      attributesCopied = false; // the profile owns the array now: a later change copies it again
      return attributes;
    }

    ImmutableSortedSet<String> builtTags() {
      return tagsCopied ? ImmutableSortedSet.copyOfSorted(tags) : (ImmutableSortedSet<String>) tags;
    }

    ImmutableSortedSet<ProfileId> builtMergedFrom() {
      return mergedFromCopied ? ImmutableSortedSet.copyOfSorted(mergedFrom) : (ImmutableSortedSet<ProfileId>) mergedFrom;
    }

    /** Index of {@code identifier} in {@link #identifiers}, or {@code -(insertion point) - 1}. */
    private int indexOf(Identifier identifier) {
      return IdentifierKeys.indexOf(identifiers, keys, identifier);
    }

    /** {@link #identifiers}, copied first unless this builder already owns it. */
    private IdentifierState[] ownIdentifiers() {
      if (!identifiersCopied) {
        identifiers = identifiers.clone();
        identifiersCopied = true;
      }
      return identifiers;
    }

    /** The id in this builder. */
    public ProfileId id() {
      return id;
    }

    /** The creation time in this builder. */
    public Instant createdAt() {
      return createdAt;
    }

    /** The latest-event time in this builder. */
    public Instant updatedAt() {
      return updatedAt;
    }

    /** The first active time in this builder. */
    public Optional<Instant> firstActive() {
      return firstActive;
    }

    /** The last active time in this builder. */
    public Optional<Instant> lastActive() {
      return lastActive;
    }

    /** The event count in this builder. */
    public long eventCount() {
      return eventCount;
    }

    /** The version in this builder. */
    public long version() {
      return version;
    }

    /** The CCPA opt-out time in this builder. */
    public Optional<Instant> ccpaOptOutAt() {
      return ccpaOptOutAt;
    }

    /** The CCPA opt-in time in this builder. */
    public Optional<Instant> ccpaOptInAt() {
      return ccpaOptInAt;
    }

    /** Sets the id. */
    public Builder id(ProfileId value) {
      this.id = requireNonNull(value, "id");
      return this;
    }

    /** Sets the storage version. */
    public Builder version(long value) {
      this.version = value;
      return this;
    }

    /** Sets the creation time. */
    public Builder createdAt(Instant value) {
      this.createdAt = requireNonNull(value, "createdAt");
      timeBound = Math.max(timeBound, boundSeconds(value));
      return this;
    }

    /** Sets the time of the latest event applied. */
    public Builder updatedAt(Instant value) {
      this.updatedAt = requireNonNull(value, "updatedAt");
      timeBound = Math.max(timeBound, boundSeconds(value));
      return this;
    }

    /**
     * Sets the first and last active times; both present or both empty.
     *
     * @throws IllegalArgumentException if one is present and the other empty
     */
    public Builder activity(Optional<Instant> first, Optional<Instant> last) {
      requireNonNull(first, "first");
      requireNonNull(last, "last");
      checkArgument(first.isPresent() == last.isPresent(), "firstActive and lastActive are set together");
      this.firstActive = first;
      this.lastActive = last;
      if (first.isPresent()) {
        timeBound = Math.max(timeBound, Math.max(boundSeconds(first.get()), boundSeconds(last.get())));
      }
      return this;
    }

    /** The current state of {@code identifier} in this builder, if any. */
    public Optional<IdentifierState> identifier(Identifier identifier) {
      int i = indexOf(requireNonNull(identifier, "identifier"));
      return i >= 0 ? Optional.of(identifiers[i]) : Optional.empty();
    }

    /** The identifiers in this builder, sorted by identifier. */
    public Collection<IdentifierState> identifiers() {
      if (identifiersView == null) {
        identifiersView = new java.util.AbstractList<>() {
          @Override
          public IdentifierState get(int index) {
            java.util.Objects.checkIndex(index, identifiers.length);
            return identifiers[index];
          }

          @Override
          public int size() {
            return identifiers.length;
          }
        };
      }
      return identifiersView;
    }

    /** Adds or replaces the state of an identifier. */
    public Builder putIdentifier(IdentifierState state) {
      int i = indexOf(requireNonNull(state, "state").identifier());
      if (i >= 0) {
        if (identifiers[i] != state) {
          ownIdentifiers()[i] = state; // an equal identifier: the same key
        }
      } else {
        insertIdentifier(-i - 1, state);
      }
      return this;
    }

    /** A new array: {@code sorted} with {@code value} inserted at index {@code at}. */
    private static <T> T[] inserted(T[] sorted, int at, T value) {
      T[] next = java.util.Arrays.copyOf(sorted, sorted.length + 1);
      System.arraycopy(sorted, at, next, at + 1, sorted.length - at);
      next[at] = value;
      return next;
    }

    /** Inserts {@code state} at {@code at} of the sorted identifiers (always into a new array). */
    private void insertIdentifier(int at, IdentifierState state) {
      identifiers = inserted(identifiers, at, state);
      keys = IdentifierKeys.inserted(keys, at, state.identifier());
      identifiersCopied = true;
    }

    /**
     * Records a sighting of {@code identifier} at {@code at} in an event from {@code source}: a
     * new identifier is added as {@link IdentifierState#firstSeen first seen} (and linked) then,
     * one already held is widened by {@link IdentifierState#seenAt}. The same as reading the
     * state with {@link #identifier} and putting the result with {@link #putIdentifier}, with one
     * search of the sorted identifiers instead of two and no {@code Optional}.
     *
     * @return the identifier's state after the sighting
     */
    public IdentifierState seeIdentifier(Identifier identifier, Instant at, boolean active, String source) {
      requireNonNull(at, "at"); // before present(at), whose Optional.of would throw without the name
      int i = indexOf(requireNonNull(identifier, "identifier"));
      if (i >= 0) {
        IdentifierState current = identifiers[i];
        IdentifierState next = current.seenAt(at, active ? present(at) : null, active, source);
        if (next != current) {
          ownIdentifiers()[i] = next;
        }
        return next;
      }
      requireNonNull(source, "source");
      IdentifierState added = IdentifierState.firstSeen(identifier, at, active ? present(at) : Optional.empty(), source);
      insertIdentifier(-i - 1, added);
      return added;
    }

    /** {@code Optional.of(at)}, shared while the same instant comes again. */
    private Optional<Instant> present(Instant at) {
      if (at != seenAt) {
        seenAtPresent = Optional.of(at);
        seenAt = at;
      }
      return seenAtPresent;
    }

    /**
     * Widens the first and last active times to include {@code at}: the same as
     * {@link #activity} with the earlier of {@code at} and the first active time and the later
     * of it and the last, or {@code at} for both when there was no activity yet. A time
     * already inside the span changes nothing.
     *
     * @return this builder
     */
    public Builder seeActivity(Instant at) {
      requireNonNull(at, "at");
      boolean earlier = firstActive.isEmpty() || at.isBefore(firstActive.get());
      boolean later = lastActive.isEmpty() || at.isAfter(lastActive.get());
      if (earlier || later) {
        Optional<Instant> now = present(at);
        firstActive = earlier ? now : firstActive;
        lastActive = later ? now : lastActive;
        timeBound = Math.max(timeBound, boundSeconds(at));
      }
      return this;
    }

    /**
     * Records the time of an event applied to the profile: {@link #createdAt} moves back to
     * {@code at} when it is earlier, {@link #updatedAt} forward when it is later, and for an
     * active event the activity span widens as with {@link #seeActivity}. The same as those
     * three changes made by hand; a time after every time the builder holds (events arriving in
     * order) is recognised without reading them.
     *
     * @return this builder
     */
    public Builder seeEvent(Instant at, boolean active) {
      requireNonNull(at, "at");
      int a = boundSeconds(at);
      if (a > timeBound) { // after created-at, updated-at and the activity span
        updatedAt = at;
        if (active) {
          Optional<Instant> now = present(at);
          if (lastActive.isEmpty()) {
            firstActive = now;
          }
          lastActive = now;
        }
        timeBound = a;
        return this;
      }
      if (at.isBefore(createdAt)) {
        createdAt = at;
      }
      if (at.isAfter(updatedAt)) {
        updatedAt = at;
      }
      if (active) {
        seeActivity(at);
      }
      return this;
    }

    /** Removes an identifier. */
    public Builder removeIdentifier(Identifier identifier) {
      int i = indexOf(requireNonNull(identifier, "identifier"));
      if (i >= 0) {
        IdentifierState[] next = new IdentifierState[identifiers.length - 1];
        System.arraycopy(identifiers, 0, next, 0, i);
        System.arraycopy(identifiers, i + 1, next, i, identifiers.length - i - 1);
        identifiers = next;
        keys = IdentifierKeys.removed(keys, i);
        identifiersCopied = true;
      }
      return this;
    }

    /** The current attributes of this builder. */
    public SortedMap<String, Attribute> attributes() {
      if (attributesView == null) {
        attributesView = new com.google.common.collect.ForwardingSortedMap<>() {
          @Override
          protected SortedMap<String, Attribute> delegate() {
            if (attributesMap == null) {
              attributesMap = asMap(attributes);
            }
            return attributesMap;
          }

          @Override
          public Attribute get(Object key) {
            int i = Profile.indexOf(attributes, key);
            return i >= 0 ? attributes[i] : null;
          }

          @Override
          public boolean containsKey(Object key) {
            return Profile.indexOf(attributes, key) >= 0;
          }

          @Override
          public int size() {
            return attributes.length;
          }

          @Override
          public boolean isEmpty() {
            return attributes.length == 0;
          }
        };
      }
      return attributesView;
    }

    /** How many attributes this builder holds. */
    public int attributeCount() {
      return attributes.length;
    }

    /** The current value of attribute {@code name} in this builder, if set. */
    public Optional<Attribute> attribute(String name) {
      int i = Profile.indexOf(attributes, requireNonNull(name, "name"));
      return i >= 0 ? Optional.of(attributes[i]) : Optional.empty();
    }

    /**
     * Records an observation of an attribute: it becomes the value of its name when the name has
     * none yet or when it comes after the current value in {@link Attribute#OBSERVATION_ORDER};
     * otherwise nothing changes. The same as reading {@code attributes().get(name)}, comparing
     * and {@link #putAttribute}, with one search of the sorted attributes instead of two and
     * without the map view or an {@code Optional} (ingestion observes an attribute in most
     * events, the device for one).
     *
     * <pre>{@code
     * b.seeAttribute(new Attribute("city", "Leeds", "web", at));  // kept unless a later city is known
     * }</pre>
     *
     * @return whether the observation was kept
     */
    public boolean seeAttribute(Attribute observed) {
      int i = Profile.indexOf(attributes, requireNonNull(observed, "observed").name());
      if (i >= 0) {
        // OBSERVATION_ORDER compares updatedAt first: a later observation (the usual one) wins
        // without the rest of the comparator chain, an earlier one loses.
        Attribute current = attributes[i];
        int byTime = observed.updatedAt().compareTo(current.updatedAt());
        if (byTime < 0 || (byTime == 0 && Attribute.OBSERVATION_ORDER.compare(observed, current) <= 0)) {
          return false;
        }
        ownAttributes()[i] = observed;
      } else {
        attributes = inserted(attributes, -i - 1, observed);
        attributesCopied = true;
      }
      attributesMap = null;
      return true;
    }

    /** Adds or replaces an attribute. */
    public Builder putAttribute(Attribute value) {
      int i = Profile.indexOf(attributes, requireNonNull(value, "attribute").name());
      if (i >= 0) {
        if (attributes[i] != value) {
          ownAttributes()[i] = value;
          attributesMap = null;
        }
        return this;
      }
      int at = -i - 1;
      attributes = inserted(attributes, at, value);
      attributesCopied = true;
      attributesMap = null;
      return this;
    }

    /** Removes an attribute. */
    public Builder removeAttribute(String name) {
      int i = Profile.indexOf(attributes, requireNonNull(name, "name"));
      if (i >= 0) {
        Attribute[] next = new Attribute[attributes.length - 1];
        System.arraycopy(attributes, 0, next, 0, i);
        System.arraycopy(attributes, i + 1, next, i, attributes.length - i - 1);
        attributes = next;
        attributesCopied = true;
        attributesMap = null;
      }
      return this;
    }

    /** {@link #attributes}, copied first unless this builder already owns it. */
    private Attribute[] ownAttributes() {
      if (!attributesCopied) {
        attributes = attributes.clone();
        attributesCopied = true;
      }
      return attributes;
    }

    /** The current list subscriptions of this builder. */
    public SortedMap<String, ListSubscription> lists() {
      return listsMap().view();
    }

    private CopyOnWriteSortedMap<ListSubscription> listsMap() {
      if (lists == null) {
        lists = new CopyOnWriteSortedMap<>(listsBase);
      }
      return lists;
    }

    /** Adds or replaces a list subscription. */
    public Builder putList(ListSubscription value) {
      listsMap().put(requireNonNull(value, "list").list(), value);
      return this;
    }

    /** The current tags of this builder. */
    public SortedSet<String> tags() {
      if (tagsView == null) {
        tagsView = new com.google.common.collect.ForwardingSortedSet<>() {
          @Override
          protected SortedSet<String> delegate() {
            return java.util.Collections.unmodifiableSortedSet(tags);
          }
        };
      }
      return tagsView;
    }

    private SortedSet<String> ownTags() {
      if (!tagsCopied) {
        tags = new java.util.TreeSet<>(tags);
        tagsCopied = true;
      }
      return tags;
    }

    /** Adds a tag. */
    public Builder addTag(String tag) {
      requireNonNull(tag, "tag");
      if (tag.isBlank() || tag.length() > 64) {
        throw new IllegalArgumentException("tag must be 1 to 64 characters: " + Names.forMessage(tag));
      }
      if (!tags.contains(tag)) {
        ownTags().add(tag);
      }
      return this;
    }

    /** Removes a tag. */
    public Builder removeTag(String tag) {
      if (tags.contains(requireNonNull(tag, "tag"))) {
        ownTags().remove(tag);
      }
      return this;
    }

    /** The current order summary of this builder. */
    public OrderSummary orders() {
      return orders;
    }

    /** Sets the order summary. */
    public Builder orders(OrderSummary value) {
      this.orders = requireNonNull(value, "orders");
      return this;
    }

    /** Sets the CCPA opt-out and opt-in times. */
    public Builder ccpa(Optional<Instant> optOutAt, Optional<Instant> optInAt) {
      this.ccpaOptOutAt = requireNonNull(optOutAt, "optOutAt");
      this.ccpaOptInAt = requireNonNull(optInAt, "optInAt");
      return this;
    }

    /** Sets the event count. */
    public Builder eventCount(long value) {
      this.eventCount = value;
      return this;
    }

    /** Adds ids of profiles merged into this one. */
    public Builder addMergedFrom(Collection<ProfileId> ids) {
      if (!requireNonNull(ids, "ids").isEmpty()) {
        if (!mergedFromCopied) {
          mergedFrom = new java.util.TreeSet<>(mergedFrom);
          mergedFromCopied = true;
        }
        mergedFrom.addAll(ids);
      }
      return this;
    }

    /**
     * Builds the profile. (The builder's setters check their values as they are set, e.g.
     * {@link #activity} refuses a first active time without a last one.)
     *
     * @throws IllegalArgumentException if the values are inconsistent
     */
    public Profile build() {
      return new Profile(this);
    }
  }

  /**
   * A sorted map that starts as an immutable map and is copied into a {@link java.util.TreeMap}
   * at the first change; {@link #view()} always reads the current one.
   */
  private static final class CopyOnWriteSortedMap<V> {
    private SortedMap<String, V> current;
    /** {@link #current} as the view shows it: itself while immutable, then an unmodifiable wrapper. */
    private SortedMap<String, V> readOnly;
    private boolean copied;
    private SortedMap<String, V> view;

    CopyOnWriteSortedMap(ImmutableSortedMap<String, V> initial) {
      this.current = initial;
      this.readOnly = initial;
    }

    SortedMap<String, V> view() {
      if (view == null) {
        view = new com.google.common.collect.ForwardingSortedMap<>() {
          @Override
          protected SortedMap<String, V> delegate() {
            return readOnly;
          }
        };
      }
      return view;
    }

    V get(String key) {
      return current.get(key);
    }

    void put(String key, V value) {
      if (current.get(key) == value) {
        return;
      }
      own().put(key, value);
    }

    void remove(String key) {
      if (current.containsKey(key)) {
        own().remove(key);
      }
    }

    private SortedMap<String, V> own() {
      if (!copied) {
        current = new java.util.TreeMap<>(current);
        readOnly = java.util.Collections.unmodifiableSortedMap(current);
        copied = true;
      }
      return current;
    }

    ImmutableSortedMap<String, V> build() {
      return copied ? ImmutableSortedMap.copyOfSorted(current) : (ImmutableSortedMap<String, V>) current;
    }
  }

  // Read side for code that visits every profile of a store once or reads profiles on a hot path
  // (exports, scans, identity resolution): the sorted arrays read in place, without the list and map that identifiers() and attributes() make and
  // keep on first read, so a single pass neither builds nor follows them.

  /** The number of identifiers: {@code identifiers().size()}, without making the list. */
  public int identifierCount() {
    return identifierArray.length;
  }

  /**
   * The identifier at {@code index} of {@link #identifiers()} (sorted by type then value),
   * without making the list.
   *
   * <pre>{@code
   * for (int i = 0; i < p.identifierCount(); i++) {
   *   IdentifierState s = p.identifierAt(i);
   * }
   * }</pre>
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, identifierCount())}
   */
  public IdentifierState identifierAt(int index) {
    return identifierArray[java.util.Objects.checkIndex(index, identifierArray.length)];
  }

  /** The {@link IdentifierKeys} of the identifiers, for tests; not to be changed. */
  int[] identifierKeys() {
    return identifierKeys;
  }

  /** The number of attributes: {@code attributes().size()}, without making the map. */
  public int attributeCount() {
    return attributeArray.length;
  }

  /**
   * The attribute at {@code index} of {@link #attributes()}'s values (sorted by name), without
   * making the map.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, attributeCount())}
   */
  public Attribute attributeAt(int index) {
    return attributeArray[java.util.Objects.checkIndex(index, attributeArray.length)];
  }

  /**
   * The order of {@link #lastSeen}: by last-seen time in an active event, identifiers never seen
   * in one first, ties by identifier. The last-seen identifier of a type is the greatest of its
   * identifiers in this order; a reader that finds several types' in one walk compares with it.
   */
  public static Comparator<IdentifierState> lastSeenOrder() {
    return LAST_SEEN_ORDER;
  }
}
