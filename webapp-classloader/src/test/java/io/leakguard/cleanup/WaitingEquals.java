package io.leakguard.cleanup;

/**
 * An object whose equals waits, as an application's that asks a remote service might: handed to a blocking queue's
 * remove(Object) or contains, it keeps the queue's lock for as long as it waits.
 */
final class WaitingEquals {

    private final Runnable waiting;

    WaitingEquals(Runnable waiting) {
        this.waiting = waiting;
    }

    @Override
    public boolean equals(Object other) {
        waiting.run();
        return false;
    }

    @Override
    public int hashCode() {
        return 0;
    }
}
