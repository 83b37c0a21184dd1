package dev.clientele.tck;

import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.Storage;

/** Runs the storage conformance tests against {@link InMemoryStorage}. */
final class InMemoryStorageTest extends StorageContract {
  @Override
  protected Storage newStorage() {
    return new InMemoryStorage();
  }
}
