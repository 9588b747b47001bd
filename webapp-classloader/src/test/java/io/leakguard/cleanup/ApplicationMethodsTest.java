package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.lang.management.ManagementFactory;
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
import javax.imageio.spi.IIORegistry;
import javax.management.MBeanServer;
import javax.management.ObjectName;
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

    /** The application's exception is named by its class: its getMessage() and toString() are its own code. */
    @Test
    void aFailureOfTheApplicationsOwnExceptionIsNamedByItsClass() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        ThreadPoolExecutor shared = busyPool(done);
        try {
            shared.execute((Runnable) dying.newInstance(ApplicationFailingFuture.class));
            shared.execute((Runnable) dying.newInstance(ApplicationJob.class));

            List<Finding> findings = Passes.findings(dying, "Executor");

            assertEquals(0, shared.getQueue().size(), "the application's jobs are still queued");
            assertTrue(findings.get(0).message().contains(" was removed, but its cancel() threw "
                    + ApplicationFailure.class.getName()), findings::toString);
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
            List<Finding> findings = Passes.waitingForCode(dying, "LoggingHandler");

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

    /** Whichever bean the check unregisters first, its failing postDeregister leaves the other one unregistered too. */
    @Test
    void anMBeanWhoseDeregistrationFailsLeavesTheOthersUnregistered() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        List<ObjectName> names = List.of(new ObjectName("io.leakguard.test:type=ApplicationBean,name=first"),
                new ObjectName("io.leakguard.test:type=ApplicationBean,name=second"));
        for (ObjectName name : names) {
            server.registerMBean(dying.newInstance(ApplicationBean.class), name);
        }
        try {
            List<Finding> findings = Passes.findings(dying, "MBean");

            assertEquals(List.of(false, false), names.stream().map(server::isRegistered).toList(),
                    findings::toString);
            assertEquals(List.of("unregistered; its postDeregister failed with java.lang.IllegalStateException: metrics"
                    + " registry closed"), findings.stream().map(Finding::action).distinct().toList());
        } finally {
            for (ObjectName name : names) {
                if (server.isRegistered(name)) {
                    try {
                        server.unregisterMBean(name);
                    } catch (RuntimeException e) {
                        // its postDeregister, once it is unregistered
                    }
                }
            }
        }
    }

    /** The pass waits for an MBean's deregistration only as long as for a thread to stop. */
    @Test
    void anMBeanWhosePreDeregisterBlocksKeepsThePassOnlyForTheThreadStopWait() throws Exception {
        CallbackGate gate = CallbackGate.fresh();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("io.leakguard.test:type=ApplicationBean,name=stalled");
        Object bean = dying.newInstance(ApplicationBean.class);
        bean.getClass().getField("stalled").set(bean, true);
        server.registerMBean(bean, name);
        try {
            List<Finding> findings = Passes.waitingForCode(dying, "MBean");

            assertEquals(List.of("its preDeregister was still running after 300 ms, left to finish on its own thread;"
                    + " left registered"), findings.stream().map(Finding::action).toList());
        } finally {
            gate.release.countDown();
        }
    }

    /** The pass waits for a plugin's onDeregistration only as long as for a thread to stop. */
    @Test
    void anImageIoPluginWhoseDeregistrationBlocksKeepsThePassOnlyForTheThreadStopWait() throws Exception {
        CallbackGate gate = CallbackGate.fresh();
        IIORegistry registry = IIORegistry.getDefaultInstance();
        Object plugin = dying.newInstance(ApplicationImageInputStreamSpi.Stalled.class);
        registry.registerServiceProvider(plugin);
        try {
            List<Finding> findings = Passes.waitingForCode(dying, "ImageIoPlugin");

            assertEquals(List.of("deregistered from every category; its onDeregistration was still running after 300"
                    + " ms, left to finish on its own thread"), findings.stream().map(Finding::action).toList());
        } finally {
            gate.release.countDown();
        }
    }

    /** Whichever plugin the check deregisters first, its failing onDeregistration leaves the other deregistered too. */
    @Test
    void anImageIoPluginWhoseDeregistrationFailsLeavesTheOthersDeregistered() throws Exception {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        List<Object> plugins = List.of(dying.newInstance(ApplicationImageInputStreamSpi.class),
                dying.newInstance(ApplicationImageInputStreamSpi.Another.class));
        plugins.forEach(registry::registerServiceProvider);
        try {
            List<Finding> findings = Passes.findings(dying, "ImageIoPlugin");

            assertEquals(List.of(false, false), plugins.stream().map(registry::contains).toList(),
                    findings::toString);
            assertEquals(List.of("deregistered from every category; its onDeregistration failed with"
                    + " java.lang.IllegalStateException: plugin already closed"),
                    findings.stream().map(Finding::action).distinct().toList());
        } finally {
            for (Object plugin : plugins) {
                try {
                    registry.deregisterServiceProvider(plugin);
                } catch (IllegalStateException e) {
                    // its onDeregistration, once it is deregistered
                }
            }
        }
    }

    /** Whichever thread the check interrupts first, its failing interrupt() leaves the other interrupted too. */
    @Test
    void aThreadWhoseInterruptFailsLeavesTheOthersInterrupted() throws Exception {
        List<Thread> threads = List.of((Thread) dying.newInstance(ApplicationReaderThread.class),
                (Thread) dying.newInstance(ApplicationReaderThread.class));
        threads.forEach(Thread::start);
        try {
            List<Finding> findings = Passes.findings(dying, "Thread");

            assertEquals(List.of(false, false), threads.stream().map(Thread::isAlive).toList(), findings::toString);
            assertEquals(List.of(true, true), findings.stream().map(finding -> finding.action()
                    .startsWith("interrupted; it ended; its interrupt() failed with java.lang.NullPointerException"))
                    .toList(), findings::toString);
        } finally {
            for (Thread thread : threads) {
                thread.getClass().getField("connection").set(thread, (Closeable) () -> { });
                thread.interrupt();
            }
        }
    }

    /**
     * The application started its hook threads itself, to have them done at its stop, and left them registered. A
     * thread starts once: whichever the check meets first, the other must be removed too.
     */
    @Test
    void hooksTheApplicationStartedItselfAreRemovedAllTheSame() throws Exception {
        List<Thread> hooks = List.of((Thread) dying.newInstance(ApplicationReaderThread.class),
                (Thread) dying.newInstance(ApplicationReaderThread.class));
        for (Thread hook : hooks) {
            hook.getClass().getField("connection").set(hook, (Closeable) () -> { });
            Runtime.getRuntime().addShutdownHook(hook);
            hook.start();
            hook.interrupt();
            hook.join();
        }
        try {
            List<Finding> findings = Passes.findings(dying, "ShutdownHook",
                    Policy.defaults().with("shutdownHooks", Mode.FIX));

            assertEquals(List.of(false, false), hooks.stream().map(Runtime.getRuntime()::removeShutdownHook).toList(),
                    findings::toString);
            assertEquals(List.of("removed from the JVM's shutdown hooks; the application had started it already, so"
                    + " it was not run again"), findings.stream().map(Finding::action).distinct().toList());
        } finally {
            hooks.forEach(Runtime.getRuntime()::removeShutdownHook);
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
