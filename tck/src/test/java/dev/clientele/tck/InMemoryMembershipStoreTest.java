package dev.clientele.tck;

import dev.clientele.segments.InMemoryMembershipStore;
import dev.clientele.segments.MembershipStore;

/** Runs the membership conformance tests against {@link InMemoryMembershipStore}. */
final class InMemoryMembershipStoreTest extends MembershipStoreContract {
  @Override
  protected MembershipStore newStore() {
    return new InMemoryMembershipStore();
  }
}
