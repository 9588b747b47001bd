package io.leakguard.cleanup;

import java.rmi.Remote;

/** A remote object of an application, which {@link DyingLoader}s define anew in engine tests. */
public final class ApplicationRemoteObject implements Remote {
}
