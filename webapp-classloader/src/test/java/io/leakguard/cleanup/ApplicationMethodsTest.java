package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A pass runs none of the stopping application's methods: by then its code may fail on what contextDestroyed closed,
 * block, or register what the pass just removed, and a failure would end the check before its other fixes.
 */
class ApplicationMethodsTest {

    private final DyingLoader dying = new DyingLoader();

    private static final class ServerTask extends TimerTask {
        @Override
        public void run() {
        }
    }

    /** On a library's timer, which keeps running for the server's task. */
    @Test
    void timerTasksAreCancelledWithoutTheirOwnCancel() throws Exception {
        Timer shared = new Timer("shared", true);
        try {
            TimerTask closing = (TimerTask) dying.newInstance(ApplicationClosingTask.class);
            TimerTask plain = (TimerTask) dying.newInstance(ApplicationTask.class);
            shared.schedule(closing, 60_000);
            shared.schedule(plain, 120_000);
            shared.schedule(new ServerTask(), 180_000);

            List<Finding> findings = Passes.findings(dying, "Timer");

            assertEquals(List.of(Outcome.FIXED, Outcome.FIXED), findings.stream().map(Finding::outcome).toList(),
                    findings::toString);
            assertEquals(false, plain.cancel(), "the application's other task is still scheduled");
            assertEquals(0, shared.purge(), "the application's tasks are still in the timer's queue");
        } finally {
            shared.cancel();
        }
    }

    /** On a library's pool, busy with the server's work while the application's job waits in its queue. */
    @Test
    void queuedJobsAreRemovedFromASharedPoolWithoutTheirOwnEquals() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        ThreadPoolExecutor shared = busyPool(done);
        try {
            Runnable job = (Runnable) dying.newInstance(ApplicationJob.class);
            shared.execute(job);

            List<Finding> findings = Passes.findings(dying, "Executor");

            assertEquals(List.of(Outcome.WARNED), findings.stream().map(Finding::outcome).toList(),
                    findings::toString);
            assertEquals(0, shared.getQueue().size(), "the application's job is still queued");
        } finally {
            done.countDown();
            shared.shutdown();
        }
    }

    /** The application's own Future, whose done() fails, is taken out of the queue, and so are the jobs after it. */
    @Test
    void aQueuedFutureWhoseDoneFailsLeavesNoJobQueued() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        ThreadPoolExecutor shared = busyPool(done);
        try {
            shared.execute((Runnable) dying.newInstance(ApplicationFuture.class));
            shared.execute((Runnable) dying.newInstance(ApplicationJob.class));

            List<Finding> findings = Passes.findings(dying, "Executor");

            assertEquals(List.of(Outcome.WARNED), findings.stream().map(Finding::outcome).toList(),
                    findings::toString);
            assertEquals(0, shared.getQueue().size(), "the application's jobs are still queued");
            assertTrue(findings.get(0).message().contains(ApplicationFuture.class.getName() + "@"), findings::toString);
            assertTrue(findings.get(0).message().contains(" was removed, but its cancel() threw"
                    + " java.lang.IllegalStateException: the application's done() ran"), findings::toString);
        } finally {
            done.countDown();
            shared.shutdown();
        }
    }

    /**
     * A library's scheduler that its owner is shutting down, whose thread waits for the application's delayed job: once
     * that is removed, the pool ends, as it does when ThreadPoolExecutor.remove takes a job.
     */
    @Test
    void aSharedSchedulerBeingShutDownEndsOnceTheApplicationsJobIsRemoved() throws Exception {
        ScheduledThreadPoolExecutor shared = new ScheduledThreadPoolExecutor(1);
        try {
            shared.schedule((Runnable) dying.newInstance(ApplicationJob.class), 1, TimeUnit.HOURS);
            shared.prestartAllCoreThreads();
            shared.shutdown();

            List<Finding> findings = Passes.findings(dying, "Executor");

            assertEquals(List.of(Outcome.WARNED), findings.stream().map(Finding::outcome).toList(),
                    findings::toString);
            assertTrue(shared.awaitTermination(10, TimeUnit.SECONDS), "the pool waits for a job no longer queued");
        } finally {
            shared.shutdownNow();
        }
    }

    /**
     * The pass waits for the handlers' close() calls only as long as for threads to stop, all of them together, and
     * every handler is still removed.
     */
    @Test
    void handlersWhoseCloseBlocksKeepThePassOnlyForTheThreadStopWait() throws Exception {
        CallbackGate gate = CallbackGate.fresh();
        List<Logger> loggers = List.of(Logger.getLogger(ApplicationMethodsTest.class.getName() + ".peer"),
                Logger.getLogger(ApplicationMethodsTest.class.getName() + ".other-peer"));
        for (Logger logger : loggers) {
            logger.addHandler((Handler) dying.newInstance(ApplicationSocketHandler.class));
        }
        try {
            List<Finding> findings = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Passes.findings(dying,
                    "LoggingHandler", Policy.defaults().with("threadStopWaitMillis", "300")));

            assertEquals(List.of(0, 0), loggers.stream().map(logger -> logger.getHandlers().length).toList(),
                    findings::toString);
            assertEquals(2, findings.size(), findings::toString);
            assertTrue(findings.stream().allMatch(finding -> finding.message().endsWith("fixed: removed from the"
                    + " logger(s); its close() was still running when the 300 ms wait was over, left to finish on its"
                    + " own thread")), findings::toString);
        } finally {
            gate.release.countDown();
            loggers.forEach(logger -> List.of(logger.getHandlers()).forEach(logger::removeHandler));
        }
    }

    /** Whichever handler the check closes first, overflowing the stack, the other is still taken off its logger. */
    @Test
    void aHandlerWhoseCloseFailsLeavesTheOthersRemoved() throws Exception {
        List<Logger> loggers = List.of(Logger.getLogger(ApplicationMethodsTest.class.getName() + ".first"),
                Logger.getLogger(ApplicationMethodsTest.class.getName() + ".second"));
        for (Logger logger : loggers) {
            logger.addHandler((Handler) dying.newInstance(ApplicationHandler.class));
        }
        try {
            List<Finding> findings = Passes.findings(dying, "LoggingHandler");

            assertEquals(List.of(0, 0), loggers.stream().map(logger -> logger.getHandlers().length).toList(),
                    findings::toString);
        } finally {
            loggers.forEach(logger -> List.of(logger.getHandlers()).forEach(logger::removeHandler));
        }
    }

    /** A library's pool whose one thread does the server's work until {@code done}: what comes next waits in line. */
    private static ThreadPoolExecutor busyPool(CountDownLatch done) throws InterruptedException {
        ThreadPoolExecutor shared = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        CountDownLatch busy = new CountDownLatch(1);
        shared.execute(() -> {
            busy.countDown();
            awaitQuietly(done);
        });
        busy.await();
        return shared;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
