package dev.clientele.storage.jdbc;

import dev.clientele.tck.StorageFaultContract;

/**
 * The fault contract with faults injected by a {@link FaultyDataSource}: the contract's steps
 * are the data source's connection drops.
 */
abstract class FaultyDataSourceContract extends StorageFaultContract {
  /** The data source under the storage being tested; {@link #newStorage()} sets it. */
  FaultyDataSource faulty;

  @Override
  protected final void failAtStep(int step) {
    faulty.dropAt(step);
  }

  @Override
  protected final void noFaults() {
    faulty.heal();
  }
}
