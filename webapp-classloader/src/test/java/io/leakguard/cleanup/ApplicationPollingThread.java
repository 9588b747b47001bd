package io.leakguard.cleanup;

/**
 * A thread of an application, which {@link DyingLoader}s define anew in engine tests, that polls holding its own
 * monitor, its run() being synchronized, and takes an interrupt for a poll cut short: it ends only once the test sets
 * {@link #stopped}.
 */
public final class ApplicationPollingThread extends Thread {

    public volatile boolean stopped;

    @Override
    public synchronized void run() {
        while (!stopped) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                // polls again
            }
        }
    }
}
