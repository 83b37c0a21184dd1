package dev.clientele.segments;

/**
 * Counts of trigger deliveries since the {@link Segments} instance was built.
 *
 * @param transitions membership transitions committed (whether or not a listener was registered)
 * @param delivered listener calls that returned normally
 * @param failed listener calls that threw
 * @param dropped transitions not delivered because the trigger queue was full or closed
 */
public record TriggerStats(long transitions, long delivered, long failed, long dropped) {}
