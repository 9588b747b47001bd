package io.leakguard.cleanup;

import java.util.concurrent.CountDownLatch;

/** Server-side latches every application's copy of {@link ApplicationCallback} shares; each test takes a fresh set. */
public final class CallbackGate {

    private static volatile CallbackGate current = new CallbackGate();

    public final CountDownLatch running = new CountDownLatch(1);
    public final CountDownLatch release = new CountDownLatch(1);
    public final CountDownLatch interrupted = new CountDownLatch(1);

    private CallbackGate() {
    }

    /** Waits for {@link #release}, as an application's code blocked on a peer does; an interrupt ends the wait. */
    public void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static CallbackGate current() {
        return current;
    }

    static CallbackGate fresh() {
        current = new CallbackGate();
        return current;
    }
}
