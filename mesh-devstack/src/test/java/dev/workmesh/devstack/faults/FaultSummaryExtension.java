package dev.workmesh.devstack.faults;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered on every fault test class: the first one to run puts the {@link FaultLedger} in JUnit's root
 * store, which closes it when the whole test run ends; closing prints the summary and writes
 * {@code target/fault-summary.txt}. So the summary covers whichever fault classes ran, once.
 */
final class FaultSummaryExtension implements BeforeAllCallback {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FaultSummaryExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(NAMESPACE).computeIfAbsent(Publisher.class, k -> new Publisher(), Publisher.class);
  }

  private static final class Publisher implements AutoCloseable {
    @Override
    public void close() {
      FaultLedger.global().publish();
    }
  }
}
