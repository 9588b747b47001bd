package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The threads check runs no method of an application's thread subclass but the interrupt() it asks for, and that
 * only as long as it waits for threads to stop.
 */
class ApplicationThreadsTest {

    private final DyingLoader dying = new DyingLoader();

    /** Threads are told apart by identity: their equals and hashCode would be the application's code. */
    @Test
    void threadsWhoseHashCodeFailsAreInterrupted() throws Exception {
        List<Thread> threads = List.of((Thread) dying.newInstance(ApplicationWorkerThread.class),
                (Thread) dying.newInstance(ApplicationWorkerThread.class));
        threads.forEach(Thread::start);
        try {
            List<Finding> findings = Passes.findings(dying, "Thread");

            assertEquals(List.of(Outcome.FIXED, Outcome.FIXED), findings.stream().map(Finding::outcome).toList(),
                    findings::toString);
            for (Thread thread : threads) {
                thread.join(10_000);
                assertFalse(thread.isAlive(), findings::toString);
            }
        } finally {
            threads.forEach(Thread::interrupt);
        }
    }

    /** The pass waits for an interrupt() only as long as for threads to stop, and still interrupts the others. */
    @Test
    void aThreadWhoseInterruptBlocksKeepsThePassOnlyForTheThreadStopWait() throws Exception {
        CallbackGate gate = CallbackGate.fresh();
        Thread stalled = (Thread) dying.newInstance(ApplicationWorkerThread.class);
        stalled.getClass().getField("job").set(stalled, "report");
        stalled.getClass().getField("stalled").set(stalled, true);
        Thread reader = (Thread) dying.newInstance(ApplicationReaderThread.class);
        reader.getClass().getField("connection").set(reader, (Closeable) () -> { });
        stalled.start();
        reader.start();
        try {
            List<Finding> findings = Passes.waitingForCode(dying, "Thread");

            // Interrupted after the other, when the wait may be over already: it ends, if not in time to be seen.
            reader.join(10_000);
            assertFalse(reader.isAlive(), findings::toString);
            assertEquals(2, findings.size(), findings::toString);
            assertTrue(findings.stream().anyMatch(finding -> finding.outcome() == Outcome.WARNED
                    && finding.message().contains(ApplicationWorkerThread.class.getName())
                    && finding.action().endsWith("; its interrupt() was still running when the 300 ms wait was over,"
                            + " left to finish on its own thread")), findings::toString);
        } finally {
            gate.release.countDown();
            stalled.join(10_000);
            reader.interrupt();
        }
    }

    /** The pass does not join a thread, which takes its monitor: the application's thread may hold it for good. */
    @Test
    void aThreadHoldingItsOwnMonitorKeepsThePassOnlyForTheThreadStopWait() throws Exception {
        Thread polling = (Thread) dying.newInstance(ApplicationPollingThread.class);
        polling.start();
        while (polling.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(1); // until it polls, holding its monitor
        }
        try {
            List<Finding> findings = Passes.waitingForCode(dying, "Thread");

            assertEquals(List.of(Outcome.WARNED), findings.stream().map(Finding::outcome).toList(),
                    findings::toString);
            assertTrue(findings.get(0).action().startsWith("still running after interrupt and "), findings::toString);
        } finally {
            polling.getClass().getField("stopped").set(polling, true);
            polling.join(10_000);
        }
    }
}
