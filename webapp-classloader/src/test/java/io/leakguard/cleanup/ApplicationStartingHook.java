package io.leakguard.cleanup;

/**
 * A shutdown hook of an application, which {@link DyingLoader}s define anew in engine tests, whose start() first
 * registers it with a plugin the application's stop closed already.
 */
public final class ApplicationStartingHook extends Thread {

    @Override
    public synchronized void start() {
        throw new IllegalStateException("plugin already closed");
    }
}
