package dev.clientele.core.spi;

/** Runs the storage conformance tests against {@link InMemoryStorage}. */
final class InMemoryStorageTest extends StorageContract {
  @Override
  protected Storage newStorage() {
    return new InMemoryStorage();
  }
}
