package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The checks read a thread's context class loader and stack without running a thread subclass's methods, which may be
 * an application's or a library's: one that fails must not end a check with the other threads unexamined, and one that
 * blocks must not hold the pass.
 */
class ThreadSubclassesTest {

    private final DyingLoader dying = new DyingLoader();

    /** The application's thread left running still has its context class loader reset. */
    @Test
    void anApplicationThreadWhoseContextLoaderMethodsFailIsStillReleased() throws Exception {
        Thread host = (Thread) dying.newInstance(PluginHostThread.class);
        host.setContextClassLoader(dying);
        Thread worker = worker();
        host.start();
        worker.start();
        try {
            List<Finding> findings = Passes.waitingForCode(dying, "Thread");

            assertEquals(2, findings.size(), findings::toString);
            assertTrue(findings.stream().anyMatch(finding -> finding.outcome() == Outcome.WARNED
                    && finding.message().contains(PluginHostThread.class.getName())
                    && finding.action().contains("(its context class loader was reset)")), findings::toString);
            assertTrue(findings.stream().anyMatch(finding -> finding.outcome() == Outcome.FIXED
                    && finding.message().contains(ApplicationWorkerThread.class.getName())), findings::toString);
        } finally {
            stop(host);
            worker.interrupt();
        }
    }

    /** Every check that looks at all threads asks a library's thread for its context class loader. */
    @Test
    void aLibraryThreadWhoseContextLoaderBlocksDoesNotHoldThePass() throws Exception {
        CallbackGate gate = CallbackGate.fresh();
        PluginHostThread host = new PluginHostThread();
        host.loading = true;
        Thread worker = worker();
        host.start();
        worker.start();
        try {
            List<Finding> findings = Passes.waitingForCode(dying, "Thread");

            assertEquals(List.of(Outcome.FIXED), findings.stream().map(Finding::outcome).toList(),
                    findings::toString);
        } finally {
            gate.release.countDown();
            stop(host);
            worker.interrupt();
        }
    }

    @Test
    void aLibraryThreadWhoseContextLoaderFailsLeavesTheOtherThreadsReset() throws Exception {
        PluginHostThread host = new PluginHostThread();
        PluginHostThread hook = new PluginHostThread();
        CountDownLatch done = new CountDownLatch(1);
        Thread carrier = new Thread(() -> await(done), "carrier");
        carrier.setContextClassLoader(dying);
        Runtime.getRuntime().addShutdownHook(hook);
        host.start();
        carrier.start();
        try {
            List<Finding> findings = pass();

            List<Finding> resets = findings.stream().filter(finding -> finding.kind().equals("ContextClassLoader"))
                    .toList();
            assertEquals(List.of(Outcome.FIXED), resets.stream().map(Finding::outcome).toList(), findings::toString);
        } finally {
            Runtime.getRuntime().removeShutdownHook(hook);
            done.countDown();
            stop(host);
        }
    }

    /** A library's thread whose task leads to the application is asked for the code it runs. */
    @Test
    void aLibraryThreadWhoseStackFailsDoesNotEndTheChecks() throws Exception {
        Object marker = dying.newMarker();
        PluginHostThread host = new PluginHostThread(() -> marker.getClass());
        Thread worker = worker();
        host.start();
        worker.start();
        try {
            List<Finding> findings = pass();

            assertEquals(List.of(Outcome.FIXED), findings.stream().filter(finding -> finding.kind().equals("Thread"))
                    .map(Finding::outcome).toList(), findings::toString);
        } finally {
            stop(host);
            worker.interrupt();
        }
    }

    /** The threads of a shared pool, which a library's factory may make of its own class, are asked about too. */
    @Test
    void aSharedPoolOfLibraryThreadsStillHasTheApplicationsTasksRemoved() throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    PluginHostThread thread = new PluginHostThread(task);
                    thread.stopped = true; // ends with the pool
                    return thread;
                });
        CountDownLatch busy = new CountDownLatch(1);
        pool.execute(() -> await(busy));
        pool.execute((Runnable) dying.newInstance(DyingLoader.Chore.class));
        try {
            List<Finding> findings = pass().stream().filter(finding -> finding.kind().equals("Executor")).toList();

            assertEquals(1, findings.size(), findings::toString);
            assertTrue(findings.get(0).action().contains("1 queued task(s) of the web application cancelled and"
                    + " removed"), findings::toString);
        } finally {
            busy.countDown();
            pool.shutdownNow();
        }
    }

    /**
     * A library's factory may make a ForkJoinPool's workers of its own class, whose getPool() is its own code. The
     * worker was made during a request of the application, so the pool is reported, which shows it was inspected.
     */
    @Test
    void aForkJoinPoolOfLibraryWorkersIsStillInspected() throws Exception {
        ForkJoinPool pool = new ForkJoinPool(1, owner -> {
            ForkJoinWorkerThread worker = new ForkJoinWorkerThread(owner) {
                @Override
                public ForkJoinPool getPool() {
                    throw new IllegalStateException("detached from its pool");
                }
            };
            worker.setContextClassLoader(dying);
            return worker;
        }, null, false);
        CountDownLatch busy = new CountDownLatch(1);
        pool.execute(() -> await(busy));
        try {
            List<Finding> findings = pass().stream().filter(finding -> finding.kind().equals("Executor")).toList();

            assertEquals(1, findings.size(), findings::toString);
            assertTrue(findings.get(0).action().startsWith("left running because it may be shared; 1 of its threads"
                    + " were created by the web application"), findings::toString);
        } finally {
            busy.countDown();
            pool.shutdownNow();
        }
    }

    /** All findings of a pass, which must have no check that failed. */
    private List<Finding> pass() {
        List<Finding> findings = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> CleanupEngine.standard().clean(dying, "/dying", Policy.defaults()).findings());
        assertTrue(findings.stream().noneMatch(finding -> finding.what().endsWith(" check failed")),
                findings::toString);
        return findings;
    }

    /** A thread of the application that ends when interrupted. */
    private Thread worker() throws Exception {
        Thread worker = (Thread) dying.newInstance(ApplicationWorkerThread.class);
        worker.getClass().getField("job").set(worker, "report");
        return worker;
    }

    private static void stop(Thread host) throws Exception {
        host.getClass().getField("stopped").set(host, true);
        host.join(10_000);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
