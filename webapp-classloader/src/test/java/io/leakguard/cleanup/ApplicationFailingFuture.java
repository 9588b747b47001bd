package io.leakguard.cleanup;

import java.util.concurrent.FutureTask;

/**
 * A task of an application, which {@link DyingLoader}s define anew in engine tests, that tells a listener when it is
 * done; by the time the application stops the listener is closed, and done() fails with the application's own
 * exception.
 */
public final class ApplicationFailingFuture extends FutureTask<Object> {

    public ApplicationFailingFuture() {
        super(() -> null);
    }

    @Override
    protected void done() {
        throw new ApplicationFailure();
    }
}
