package dev.clientele.segments;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableListMultimap;
import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
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

  private final ImmutableMap<String, Segment> segments;
  private final ImmutableListMultimap<String, SegmentListener> listeners;
  private final FigureSource figures;
  private final Optional<MembershipStore> membershipStore;
  private final int triggerQueueCapacity;

  private SegmentConfig(Builder b) {
    this.segments = ImmutableMap.copyOf(b.segments);
    this.listeners = b.listeners.build();
    this.figures = b.figures != null ? b.figures : FigureSource.NONE;
    this.membershipStore = Optional.ofNullable(b.membershipStore);
    this.triggerQueueCapacity = b.triggerQueueCapacity != null ? b.triggerQueueCapacity : DEFAULT_TRIGGER_QUEUE;
  }

  /** A configuration with no segments. */
  public static SegmentConfig none() {
    return builder().build();
  }

  /** A builder; every setting is optional. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defined segments, in definition order. */
  public ImmutableList<Segment> segments() {
    return segments.values().asList();
  }

  /** The segment named {@code name}, if defined. */
  public Optional<Segment> segment(String name) {
    return Optional.ofNullable(segments.get(requireNonNull(name, "name")));
  }

  /** Listeners by segment name. */
  public ImmutableListMultimap<String, SegmentListener> listeners() {
    return listeners;
  }

  /** The source of host-computed figures (CLV, churn risk, affinity); {@link FigureSource#NONE} by default. */
  public FigureSource figures() {
    return figures;
  }

  /** The membership store to use; empty means a new {@link InMemoryMembershipStore}. */
  public Optional<MembershipStore> membershipStore() {
    return membershipStore;
  }

  /** The most transitions waiting for listeners before new ones are dropped (and counted). */
  public int triggerQueueCapacity() {
    return triggerQueueCapacity;
  }

  /** Segment names and counts; no listener or figure details. */
  @Override
  public String toString() {
    return "SegmentConfig{segments=" + segments.keySet() + ", listeners=" + listeners.size() + "}";
  }

  /** Builds a {@link SegmentConfig}; not thread-safe. */
  public static final class Builder {
    private final Map<String, Segment> segments = new LinkedHashMap<>();
    private final ImmutableListMultimap.Builder<String, SegmentListener> listeners = ImmutableListMultimap.builder();
    private final java.util.Set<String> listened = new java.util.LinkedHashSet<>();
    private FigureSource figures;
    private MembershipStore membershipStore;
    private Integer triggerQueueCapacity;

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

    /** Defines every segment of {@code all}. */
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
     * Builds the configuration.
     *
     * @throws IllegalStateException if a listener names a segment that is not defined
     */
    public SegmentConfig build() {
      for (String name : listened) {
        checkState(segments.containsKey(name), "a listener was registered for segment %s, which is not defined", name);
      }
      return new SegmentConfig(this);
    }
  }
}
