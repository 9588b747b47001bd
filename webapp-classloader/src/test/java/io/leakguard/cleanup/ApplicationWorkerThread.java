package io.leakguard.cleanup;

import java.util.Objects;

/**
 * A thread of an application, which {@link DyingLoader}s define anew in engine tests, that equals another working on
 * the same job, as a pool of the application's own keeps its workers by job. Its job is set only once it takes one, so
 * until then its equals and hashCode fail. Its interrupt() first tells the peer it works for that it stops: while
 * {@link #stalled}, the peer does not answer until the test's {@link CallbackGate} releases it.
 */
public final class ApplicationWorkerThread extends Thread {

    public volatile String job;
    public volatile boolean stalled;

    @Override
    public void run() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            // asked to stop
        }
    }

    @Override
    public void interrupt() {
        if (stalled) {
            CallbackGate.current().awaitRelease();
        }
        super.interrupt();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ApplicationWorkerThread worker && job.equals(worker.job);
    }

    @Override
    public int hashCode() {
        return Objects.requireNonNull(job, "no job taken yet").hashCode();
    }
}
