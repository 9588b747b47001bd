package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * shutdownNow() interrupts the pool's threads, and a thread the application's factory made runs its own interrupt(),
 * while the pool holds its main lock: that must not hold the pass, nor keep the application's other pools running. A
 * task that ignores the interrupt keeps its pool running, which the report says.
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

    /** A task that ignores interrupts keeps the application's pool running past the wait: it is reported so. */
    @Test
    void aPoolWhoseTaskIgnoresInterruptsIsReportedStillRunning() throws Exception {
        CallbackGate gate = CallbackGate.fresh();
        ThreadPoolExecutor pool = runningDeafTask(gate);
        try {
            List<Finding> findings = Passes.waitingForCode(dying, "Executor");

            assertEquals(1, findings.size(), findings::toString);
            assertEquals(Outcome.WARNED, findings.get(0).outcome(), findings::toString);
            assertTrue(findings.get(0).action().matches("still running after shutdownNow\\(\\) and \\d+ ms: one of its"
                    + " tasks ignores interrupts; shut it down in contextDestroyed: until its threads end they keep the"
                    + " web application's classes in memory"), findings::toString);
            assertFalse(pool.isTerminated(), findings::toString);
        } finally {
            gate.release.countDown();
            pool.shutdownNow();
        }
    }

    /**
     * The thread that stops the application interrupted while the pass waits for the pool to end: the wait was cut
     * short, which says nothing of whether the pool's tasks heed interrupts.
     */
    @Test
    void aWaitForThePoolCutShortByAnInterruptIsReportedAsSuch() throws Exception {
        CallbackGate gate = CallbackGate.fresh();
        ThreadPoolExecutor pool = runningDeafTask(gate);
        AtomicReference<List<Finding>> findings = new AtomicReference<>();
        Thread stopping = new Thread(() -> findings.set(Passes.findings(dying, "Executor",
                Policy.defaults().with("threadStopWaitMillis", "60000"))));
        try {
            stopping.start();
            while (stopping.isAlive() && Stream.of(stopping.getStackTrace())
                    .noneMatch(frame -> frame.getMethodName().equals("awaitTermination"))) {
                Thread.sleep(10);
            }
            stopping.interrupt();
            stopping.join(20_000);

            assertEquals(1, findings.get().size(), findings::toString);
            assertEquals(Outcome.WARNED, findings.get().get(0).outcome(), findings::toString);
            assertTrue(findings.get().get(0).action().matches("still running after shutdownNow\\(\\) when the wait"
                    + " for it was interrupted after \\d+ ms: until its threads end they keep the web application's"
                    + " classes in memory"), findings::toString);
        } finally {
            gate.release.countDown();
            pool.shutdownNow();
        }
    }

    /** The application's pool, whose one thread runs a task that goes on until {@code gate} releases it. */
    private ThreadPoolExecutor runningDeafTask(CallbackGate gate) throws Exception {
        ThreadPoolExecutor pool = pool(false);
        pool.execute(() -> {
            gate.running.countDown();
            while (true) {
                try {
                    gate.release.await();
                    return;
                } catch (InterruptedException e) {
                    // As a task that retries whatever interrupts it does.
                }
            }
        });
        gate.running.await();
        return pool;
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
