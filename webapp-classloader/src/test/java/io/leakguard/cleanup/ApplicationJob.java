package io.leakguard.cleanup;

/**
 * A job of an application, which {@link DyingLoader}s define anew in engine tests, equal to another by what it works
 * on: by the time the application stops that is closed, and its equals() fails.
 */
public final class ApplicationJob implements Runnable {

    @Override
    public void run() {
    }

    @Override
    public boolean equals(Object other) {
        throw new IllegalStateException("the application's equals() ran");
    }

    @Override
    public int hashCode() {
        return 0;
    }
}
