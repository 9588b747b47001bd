package io.leakguard.cleanup;

import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;

/**
 * A thread factory of an application, which {@link DyingLoader}s define anew in engine tests, whose threads' interrupt()
 * first tells the peer they work for that they stop: while {@link #stalling}, the peer does not answer until the
 * test's {@link CallbackGate} releases it.
 */
public final class ApplicationStallingThreadFactory implements ThreadFactory {

    public volatile boolean stalling;

    @Override
    public Thread newThread(Runnable task) {
        return new TellingThread(task, () -> stalling);
    }

    /** Public, as the test's loader defines it: the application's copy of the factory makes it from its own. */
    public static final class TellingThread extends Thread {

        private final BooleanSupplier stalling;

        public TellingThread(Runnable task, BooleanSupplier stalling) {
            super(task);
            this.stalling = stalling;
        }

        @Override
        public void interrupt() {
            if (stalling.getAsBoolean()) {
                CallbackGate.current().awaitRelease();
            }
            super.interrupt();
        }
    }
}
