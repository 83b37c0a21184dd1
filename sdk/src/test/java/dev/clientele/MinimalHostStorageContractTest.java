package dev.clientele;

import dev.clientele.core.spi.Storage;
import dev.clientele.tck.StorageContract;

/**
 * Runs the storage conformance kit against {@link MinimalHostStorage#redacting()}: a backend that
 * implements only the abstract methods of the SPI from its Javadoc (and declares that it applies
 * merge-record redactions, as the Javadoc asks) passes the kit.
 */
final class MinimalHostStorageContractTest extends StorageContract {
  @Override
  protected Storage newStorage() {
    return MinimalHostStorage.redacting();
  }
}
