package dev.clientele.segments;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableListMultimap;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.Multimaps;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The segments a host defines, the listeners it registers, and where memberships and figures
 * come from. Immutable; made with {@link #builder()}.
 *
 * <pre>{@code
 * SegmentConfig config = SegmentConfig.builder()
 *     .define(Segment.of("sleepers-by-email",
 *         Condition.activity(ActivityStatus.SLEEPER).and(Condition.reachable(Channel.EMAIL))))
 *     .onEnter("sleepers-by-email", t -> winBack.schedule(t.profileId()))
 *     .figures((profile, name) -> scores.get(profile, name))
 *     .build();
 * Clientele clientele = Clientele.builder().segments(config).build();
 * }</pre>
 */
public final class SegmentConfig {
  /** The default capacity of the trigger queue. */
  public static final int DEFAULT_TRIGGER_QUEUE = 10_000;

  /** The default of {@link Builder#drainOnClose}: how long closing waits for queued triggers. */
  public static final Duration DEFAULT_DRAIN_ON_CLOSE = Duration.ofSeconds(5);

  /**
   * The default of {@link Builder#timelineCacheBytes}: 64 MiB for the timeline indexes of
   * {@link Segments} (see "Timeline cache" there).
   */
  public static final long DEFAULT_TIMELINE_CACHE_BYTES = 64L << 20;

  private final ImmutableMap<String, Segment> segments;
  private final ImmutableListMultimap<String, SegmentListener> listeners;
  private final FigureSource figures;
  private final Optional<MembershipStore> membershipStore;
  private final int triggerQueueCapacity;
  private final QueueFullPolicy whenQueueFull;
  private final Duration drainOnClose;
  private final long timelineCacheBytes;
  private final boolean fullReread;

  private SegmentConfig(Builder b) {
    this.segments = ImmutableMap.copyOf(b.segments);
    this.listeners = b.listeners.build();
    this.figures = b.figures != null ? b.figures : FigureSource.NONE;
    this.membershipStore = Optional.ofNullable(b.membershipStore);
    this.triggerQueueCapacity = b.triggerQueueCapacity != null ? b.triggerQueueCapacity : DEFAULT_TRIGGER_QUEUE;
    this.whenQueueFull = b.whenQueueFull != null ? b.whenQueueFull : QueueFullPolicy.BLOCK;
    this.drainOnClose = b.drainOnClose != null ? b.drainOnClose : DEFAULT_DRAIN_ON_CLOSE;
    this.timelineCacheBytes = b.timelineCacheBytes != null ? b.timelineCacheBytes : DEFAULT_TIMELINE_CACHE_BYTES;
    this.fullReread = b.fullReread;
  }

  /** A configuration with no segments. */
  public static SegmentConfig none() {
    return builder().build();
  }

  /** A builder; every setting is optional. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defined segments: an unmodifiable list, in definition order. */
  public List<Segment> segments() {
    return segments.values().asList();
  }

  /** The segment named {@code name}, if defined. */
  public Optional<Segment> segment(String name) {
    return Optional.ofNullable(segments.get(requireNonNull(name, "name")));
  }

  /**
   * Listeners by segment name: an unmodifiable map of unmodifiable lists, each in the order the
   * listeners were registered; a segment without listeners is absent.
   */
  public Map<String, List<SegmentListener>> listeners() {
    return Multimaps.asMap(listeners);
  }

  /** The source of host-computed figures (CLV, churn risk, affinity); {@link FigureSource#NONE} by default. */
  public FigureSource figures() {
    return figures;
  }

  /** The membership store to use; empty means a new {@link InMemoryMembershipStore}. */
  public Optional<MembershipStore> membershipStore() {
    return membershipStore;
  }

  /**
   * The most transitions waiting for listeners before the queue counts as full: writers then
   * wait ({@link QueueFullPolicy#BLOCK}) or new transitions are dropped
   * ({@link QueueFullPolicy#DROP}), as {@link #whenQueueFull()} says.
   */
  public int triggerQueueCapacity() {
    return triggerQueueCapacity;
  }

  /** What a full trigger queue does; {@link QueueFullPolicy#BLOCK} unless set otherwise. */
  public QueueFullPolicy whenQueueFull() {
    return whenQueueFull;
  }

  /**
   * How long {@link Segments#close()} (and so {@code Clientele.close()}) waits for the queued
   * transitions to be delivered before it drops the rest (counted and logged);
   * {@link #DEFAULT_DRAIN_ON_CLOSE} unless set otherwise.
   */
  public Duration drainOnClose() {
    return drainOnClose;
  }

  /**
   * The most memory, in estimated bytes, that {@link Segments} keeps in per-profile timeline
   * indexes ({@link #DEFAULT_TIMELINE_CACHE_BYTES} unless set otherwise); 0 keeps none, so every
   * re-evaluation that needs an event history reads the profile's whole timeline.
   */
  public long timelineCacheBytes() {
    return timelineCacheBytes;
  }

  /** Whether {@link Segments} starts on its reference path (package-private: tests and benchmarks). */
  boolean fullReread() {
    return fullReread;
  }

  /** Segment names, counts and the queue-full policy; no listener or figure details. */
  @Override
  public String toString() {
    return "SegmentConfig{segments=" + segments.keySet() + ", listeners=" + listeners.size() + ", whenQueueFull=" + whenQueueFull + "}";
  }

  /**
   * Builds a {@link SegmentConfig}; not thread-safe. Each setting ({@link #figures}, {@link
   * #membershipStore}, {@link #triggerQueueCapacity}, {@link #whenQueueFull}, {@link
   * #drainOnClose}, {@link #timelineCacheBytes}) may be set once: a second call throws {@link
   * IllegalStateException}. {@link #define}, {@link #defineAll}, {@link #listen}, {@link #onEnter}
   * and {@link #onLeave} add, each segment name defined once.
   */
  public static final class Builder {
    private final Map<String, Segment> segments = new LinkedHashMap<>();
    private final ImmutableListMultimap.Builder<String, SegmentListener> listeners = ImmutableListMultimap.builder();
    private final java.util.Set<String> listened = new java.util.LinkedHashSet<>();
    private FigureSource figures;
    private MembershipStore membershipStore;
    private Integer triggerQueueCapacity;
    private QueueFullPolicy whenQueueFull;
    private Duration drainOnClose;
    private Long timelineCacheBytes;
    private boolean fullReread;

    private Builder() {}

    /**
     * Defines a segment.
     *
     * @throws IllegalStateException if a segment with the same name was already defined
     */
    public Builder define(Segment segment) {
      requireNonNull(segment, "segment");
      checkState(!segments.containsKey(segment.name()), "segment %s was already defined", segment.name());
      segments.put(segment.name(), segment);
      return this;
    }

    /**
     * Defines every segment of {@code all}.
     *
     * @throws IllegalStateException if a segment with the same name was already defined
     */
    public Builder defineAll(Iterable<Segment> all) {
      requireNonNull(all, "all").forEach(this::define);
      return this;
    }

    /** Calls {@code listener} on every enter and leave of {@code segment}. */
    public Builder listen(String segment, SegmentListener listener) {
      requireNonNull(segment, "segment");
      requireNonNull(listener, "listener");
      listeners.put(segment, listener);
      listened.add(segment);
      return this;
    }

    /** Calls {@code listener} when a profile enters {@code segment}. */
    public Builder onEnter(String segment, SegmentListener listener) {
      requireNonNull(listener, "listener");
      return listen(segment, t -> {
        if (t.kind() == SegmentTransition.Kind.ENTER) {
          listener.onTransition(t);
        }
      });
    }

    /** Calls {@code listener} when a profile leaves {@code segment}. */
    public Builder onLeave(String segment, SegmentListener listener) {
      requireNonNull(listener, "listener");
      return listen(segment, t -> {
        if (t.kind() == SegmentTransition.Kind.LEAVE) {
          listener.onTransition(t);
        }
      });
    }

    /** Where figure conditions read CLV, churn and affinity values. */
    public Builder figures(FigureSource value) {
      checkState(figures == null, "figure source was already set");
      this.figures = requireNonNull(value, "figures");
      return this;
    }

    /** Keeps memberships over time in {@code value} instead of a new in-memory store. */
    public Builder membershipStore(MembershipStore value) {
      checkState(membershipStore == null, "membership store was already set");
      this.membershipStore = requireNonNull(value, "membershipStore");
      return this;
    }

    /** The capacity of the trigger queue ({@value SegmentConfig#DEFAULT_TRIGGER_QUEUE} by default). */
    public Builder triggerQueueCapacity(int value) {
      checkState(triggerQueueCapacity == null, "trigger queue capacity was already set to %s", triggerQueueCapacity);
      checkArgument(value >= 1, "trigger queue capacity must be >= 1: %s", value);
      this.triggerQueueCapacity = value;
      return this;
    }

    /**
     * What a full trigger queue does: {@link QueueFullPolicy#BLOCK} (the default; writers wait,
     * nothing is lost while the instance is open) or {@link QueueFullPolicy#DROP} (writers never
     * wait; transitions that find the queue full are not delivered, and are counted).
     */
    public Builder whenQueueFull(QueueFullPolicy value) {
      checkState(whenQueueFull == null, "the queue-full policy was already set to %s", whenQueueFull);
      this.whenQueueFull = requireNonNull(value, "value");
      return this;
    }

    /**
     * How long closing waits for queued transitions to be delivered
     * ({@link SegmentConfig#DEFAULT_DRAIN_ON_CLOSE} by default); zero drops whatever is queued at close.
     *
     * @throws IllegalArgumentException if {@code value} is negative or longer than a day
     */
    public Builder drainOnClose(Duration value) {
      checkState(drainOnClose == null, "the drain on close was already set to %s", drainOnClose);
      requireNonNull(value, "value");
      checkArgument(!value.isNegative(), "drain on close must not be negative: %s", value);
      checkArgument(value.compareTo(Duration.ofDays(1)) <= 0, "drain on close must be at most a day: %s", value);
      this.drainOnClose = value;
      return this;
    }

    /**
     * The most memory, in estimated bytes, kept in per-profile timeline indexes by
     * {@link Segments} ({@link SegmentConfig#DEFAULT_TIMELINE_CACHE_BYTES} by default); the least
     * recently useful indexes are evicted beyond it. 0 keeps none (every re-evaluation over an
     * event history then reads the whole timeline, as before the cache existed). Results are the
     * same either way; only the cost differs.
     *
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public Builder timelineCacheBytes(long value) {
      checkState(timelineCacheBytes == null, "the timeline cache size was already set to %s", timelineCacheBytes);
      checkArgument(value >= 0, "timeline cache bytes must be >= 0: %s", value);
      this.timelineCacheBytes = value;
      return this;
    }

    /**
     * Package-private, for tests and benchmarks: the {@link Segments} made with this
     * configuration re-evaluate by reading the whole timeline every time (the reference path
     * that the timeline cache must equal), whatever {@link #timelineCacheBytes} says.
     */
    Builder fullReread() {
      this.fullReread = true;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalStateException if a listener names a segment that is not defined
     */
    public SegmentConfig build() {
      for (String name : listened) {
        checkState(segments.containsKey(name), "a listener was registered for segment %s, which is not defined", Shown.name(name));
      }
      return new SegmentConfig(this);
    }
  }
}
