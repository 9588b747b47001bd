package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * shutdownNow() interrupts the pool's threads, and a thread the application's factory made runs its own interrupt(),
 * while the pool holds its main lock: that must not hold the pass, nor keep the application's other pools running.
 */
class ExecutorShutdownTest {

    private final DyingLoader dying = new DyingLoader();

    @Test
    void aPoolWhoseThreadsInterruptBlocksKeepsThePassOnlyForTheThreadStopWait() throws Exception {
        CallbackGate gate = CallbackGate.fresh();
        ThreadPoolExecutor stalled = pool(true);
        ThreadPoolExecutor other = pool(false);
        try {
            List<Finding> findings = Passes.waitingForCode(dying, "Executor");

            assertTrue(other.awaitTermination(10, TimeUnit.SECONDS), findings::toString);
            assertEquals(2, findings.size(), findings::toString);
            assertTrue(findings.stream().anyMatch(finding -> finding.outcome() == Outcome.WARNED
                    && finding.message().contains(Describe.object(stalled))
                    && finding.action().equals("its shutdownNow() was still running when the 300 ms wait was over,"
                            + " left to finish on its own thread")), findings::toString);
        } finally {
            gate.release.countDown();
            stalled.shutdownNow();
            other.shutdownNow();
        }
    }

    private ThreadPoolExecutor pool(boolean stalling) throws Exception {
        ThreadFactory factory = (ThreadFactory) dying.newInstance(ApplicationStallingThreadFactory.class);
        factory.getClass().getField("stalling").set(factory, stalling);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                factory);
        pool.prestartAllCoreThreads();
        return pool;
    }
}
